from django.urls import path

from openpes.vacancies import public_views

app_name = "jobs"
urlpatterns = [
    path("", public_views.job_search, name="search"),
    path("<int:pk>/", public_views.job_detail, name="detail"),
]
