from django.urls import path

from openpes.employers import portal_views

app_name = "employer_portal"
urlpatterns = [
    path("", portal_views.home, name="home"),
    path("sign-up/", portal_views.sign_up, name="sign_up"),
    path("login/", portal_views.login, name="login"),
    path("logout/", portal_views.logout, name="logout"),
]
