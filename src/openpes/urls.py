from django.urls import include, path

urlpatterns = [
    path("", include("openpes.people.urls")),
    path("accounts/", include("openpes.accounts.urls")),
    path("audit/", include("openpes.audit.urls")),
    path("regions/", include("openpes.regions.urls")),
    path("api/v1/", include("openpes.api.urls")),
]

handler404 = "openpes.core.views.not_found"
handler403 = "openpes.core.views.forbidden"
handler500 = "openpes.core.views.server_error"
