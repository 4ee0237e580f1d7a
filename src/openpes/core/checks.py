"""Start-up checks: keys that cannot work are reported before the first request, not at the first save."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def field_crypto_configured(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from openpes.core.crypto import provider

    provider.cache_clear()  # settings may have changed since the last call (tests, reloads)
    try:
        provider()
    except ImproperlyConfigured as exc:
        return [
            Error(str(exc), hint="See docs/deployment.md, section Production settings.", id="openpes.E001")
        ]
    return []
