from django.urls import include, path

from openpes.core.views import health

urlpatterns = [
    path("health/", health, name="health"),
    path("", include("openpes.people.urls")),
    path("accounts/", include("openpes.accounts.urls")),
    path("audit/", include("openpes.audit.urls")),
    path("employment/", include("openpes.employment.urls")),
    path("employers/", include("openpes.employers.urls")),
    path("vacancies/", include("openpes.vacancies.urls")),
    path("jobs/employer/vacancies/", include("openpes.vacancies.portal_urls")),
    path("jobs/employer/", include("openpes.employers.portal_urls")),
    path("jobs/", include("openpes.vacancies.public_urls")),
    path("regions/", include("openpes.regions.urls")),
    path("api/v1/", include("openpes.api.urls")),
]

handler400 = "openpes.core.views.bad_request"
handler404 = "openpes.core.views.not_found"
handler403 = "openpes.core.views.forbidden"
handler500 = "openpes.core.views.server_error"
