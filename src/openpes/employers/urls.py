from django.urls import path

from openpes.employers import views

app_name = "employers"
urlpatterns = [
    path("", views.employer_list, name="employer_list"),
    path("new/", views.employer_create, name="employer_create"),
    path("demand-surveys/", views.demand_survey_list, name="demand_survey_list"),
    path("<int:pk>/", views.employer_detail, name="employer_detail"),
    path("<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("<int:pk>/verify/", views.employer_verify, name="employer_verify"),
    path("<int:pk>/reveal-contact/", views.employer_contact_reveal, name="employer_contact_reveal"),
    path("<int:pk>/key-enterprise/", views.employer_key_enterprise, name="employer_key_enterprise"),
    path("<int:pk>/demand-surveys/new/", views.demand_survey_create, name="demand_survey_create"),
    path("<int:pk>/accounts/<int:account_pk>/confirm/", views.account_confirm, name="account_confirm"),
    path("<int:pk>/accounts/<int:account_pk>/disable/", views.account_disable, name="account_disable"),
]
