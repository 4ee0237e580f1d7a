from django.urls import path

from openpes.employment import views

app_name = "employment"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("panel/", views.dashboard_panel, name="dashboard_panel"),
    path("parameters/", views.parameters_edit, name="parameters"),
    path("registrations/", views.registration_list, name="registration_list"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("registrations/<int:pk>/overturn/", views.registration_overturn, name="registration_overturn"),
    path("registrations/<int:pk>/contact/", views.contact_record, name="contact_record"),
    path("key-groups/", views.key_group_list, name="key_group_list"),
    path("zero-households/", views.zero_household_list, name="zero_household_list"),
    path("survey/", views.survey_upload, name="survey_upload"),
    path("survey/template.xlsx", views.survey_template, name="survey_template"),
    path("survey/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("survey/<int:pk>/import/", views.survey_run, name="survey_run"),
    path("survey/<int:pk>/errors.xlsx", views.survey_errors, name="survey_errors"),
    path("persons/<int:pk>/", views.person_employment, name="person"),
    path("persons/<int:pk>/unemployment/", views.unemployment_register, name="unemployment_register"),
    path("persons/<int:pk>/employment/", views.employment_register, name="employment_register"),
    path("persons/<int:pk>/status/", views.status_change, name="status_change"),
    path("persons/<int:pk>/facts/", views.facts_edit, name="facts_edit"),
]
