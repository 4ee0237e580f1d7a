"""/api/v1/: the one NinjaAPI with each app's router mounted on it."""

from __future__ import annotations

from django.urls import URLPattern

from openpes.accounts.api import router as accounts_router
from openpes.api.core import api, json_not_allowed
from openpes.people.api import router as people_router
from openpes.regions.api import router as regions_router

api.add_router("", accounts_router)
api.add_router("", people_router)
api.add_router("", regions_router)

app_name = "api"
urlpatterns = api.urls[0]
# ninja answers a method a path does not take in plain text; the API answers in its JSON shape.
for pattern in urlpatterns:
    if isinstance(pattern, URLPattern) and pattern.callback is not None:
        pattern.callback = json_not_allowed(pattern.callback)
