from django.urls import path

from openpes.vacancies import views

app_name = "vacancies"
urlpatterns = [
    path("", views.vacancy_list, name="vacancy_list"),
    path("review/", views.review_queue, name="review_queue"),
    path("new/", views.vacancy_create, name="vacancy_create"),
    path("import/", views.file_upload, name="file_upload"),
    path("import/template.xlsx", views.file_template, name="file_template"),
    path("import/<int:pk>/", views.file_detail, name="file_detail"),
    path("import/<int:pk>/run/", views.file_run, name="file_run"),
    path("import/<int:pk>/errors.xlsx", views.file_errors, name="file_errors"),
    path("screening/clearances/", views.screening_clearances, name="screening_clearances"),
    path("<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
    path("<int:pk>/edit/", views.vacancy_edit, name="vacancy_edit"),
    path("<int:pk>/submit/", views.vacancy_submit, name="vacancy_submit"),
    path("<int:pk>/review/", views.vacancy_review, name="vacancy_review"),
    path("<int:pk>/correct/", views.vacancy_correct, name="vacancy_correct"),
    path("<int:pk>/withdraw/", views.vacancy_withdraw, name="vacancy_withdraw"),
    path("<int:pk>/merge/", views.vacancy_merge, name="vacancy_merge"),
    path(
        "<int:pk>/duplicates/<int:candidate_id>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"
    ),
    path("<int:pk>/clear-flag/", views.vacancy_clear_flag, name="vacancy_clear_flag"),
]
