"""/api/v1/: the one NinjaAPI with each app's router mounted on it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern

from openpes.accounts.api import router as accounts_router
from openpes.api.core import api, json_not_allowed
from openpes.employers.api import router as employers_router
from openpes.employment.api import router as employment_router
from openpes.people.api import router as people_router
from openpes.regions.api import router as regions_router
from openpes.vacancies.api import router as vacancies_router
from openpes.vacancies.partner_api import router as partner_router

api.add_router("", accounts_router)
api.add_router("", people_router)
api.add_router("", regions_router)
api.add_router("", employment_router)
api.add_router("", employers_router)
api.add_router("", vacancies_router)
api.add_router("/partner", partner_router)

app_name = "api"
urlpatterns = api.urls[0]
# ninja answers a method a path does not take in plain text; the API answers in its JSON shape. Every
# operation authenticates itself (a token or the session, `core.api.needs`) and answers 401 JSON, so
# LoginRequiredMiddleware must not send API callers to the login page; the docs need no sign-in (no data).
for pattern in urlpatterns:
    if isinstance(pattern, URLPattern) and pattern.callback is not None:
        pattern.callback = login_not_required(json_not_allowed(pattern.callback))
