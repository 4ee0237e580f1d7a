import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from openpes.core.proxies import behind_proxies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpes.settings")
# Proxy headers are judged here, for any WSGI server: believed from OPENPES_TRUSTED_PROXIES, else removed.
application = behind_proxies(
    get_wsgi_application(), proxies=settings.TRUSTED_PROXIES, count=settings.PROXY_COUNT
)
