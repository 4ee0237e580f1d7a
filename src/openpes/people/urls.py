from django.urls import path

from openpes.people import views

app_name = "people"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/export.xlsx", views.person_export, name="person_export"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/members/add/", views.household_add_member, name="household_add_member"),
    path(
        "households/<int:pk>/members/candidates/",
        views.household_member_candidates,
        name="household_member_candidates",
    ),
    path(
        "households/<int:pk>/members/<int:person_pk>/remove/",
        views.household_remove_member,
        name="household_remove_member",
    ),
    path("households/<int:pk>/close/", views.household_close, name="household_close"),
]
