from django.urls import path

from openpes.vacancies import portal_views

app_name = "vacancy_portal"
urlpatterns = [
    path("", portal_views.vacancy_list, name="vacancy_list"),
    path("new/", portal_views.vacancy_create, name="vacancy_create"),
    path("<int:pk>/", portal_views.vacancy_detail, name="vacancy_detail"),
    path("<int:pk>/edit/", portal_views.vacancy_edit, name="vacancy_edit"),
    path("<int:pk>/submit/", portal_views.vacancy_submit, name="vacancy_submit"),
    path("<int:pk>/withdraw/", portal_views.vacancy_withdraw, name="vacancy_withdraw"),
]
