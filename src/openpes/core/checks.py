"""Start-up checks: keys that cannot work are reported before the first request, not at the first save."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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


@register()
def trusted_proxies_valid(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from openpes.core.proxies import trusted_networks

    try:
        trusted_networks(settings.TRUSTED_PROXIES)
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="例如 OPENPES_TRUSTED_PROXIES=127.0.0.1,10.0.0.5", id="openpes.E003")]
    if settings.PROXY_COUNT < 1:
        return [Error("OPENPES_PROXY_COUNT 至少为 1", id="openpes.E003")]
    return []


@register(deploy=True)
def production_trusts_its_proxy(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Behind nginx with TLS, a production server that trusts no proxy sees every request as plain HTTP:
    SSL redirect answers each with a redirect to itself, and HSTS is never sent."""
    if settings.PRODUCTION and settings.SECURE_SSL_REDIRECT and not settings.TRUSTED_PROXIES:
        return [
            Error(
                "生产模式开启了 HTTPS 跳转，却没有设置 OPENPES_TRUSTED_PROXIES：经反向代理转来的请求"
                "都会被当作 HTTP，不断跳转到自身，HSTS 也不会发送。",
                hint="把反向代理（nginx）连到本服务时的地址写入 OPENPES_TRUSTED_PROXIES，如 127.0.0.1；"
                "见 docs/deployment.md 的 nginx 一节。",
                id="openpes.E002",
            )
        ]
    return []


@register()
def api_rates_valid(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A mistyped rate would otherwise fail the first request it limits."""
    from openpes.core.throttling import parse_rate

    errors = []
    for name in ("API_JOBS_RATE", "API_PARTNER_RATE"):
        try:
            parse_rate(getattr(settings, name), name=f"OPENPES_{name}")
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), hint="例如 120/min、10/s、5000/hour 或 off", id="openpes.E010"))
    return errors
