from django.urls import path

from openpes.audit import views

app_name = "audit"
urlpatterns = [
    path("changes/", views.change_list, name="change_list"),
    path("access/", views.access_list, name="access_list"),
    path("logins/", views.login_list, name="login_list"),
]
