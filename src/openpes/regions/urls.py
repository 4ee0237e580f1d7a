from django.urls import path

from openpes.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("corrections/", views.corrections, name="corrections"),
    path("picker/", views.picker, name="picker"),
    path("<str:code>/", views.browse, name="region"),
]
