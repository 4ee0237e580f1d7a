"""How a partner system authenticates on the API: its key in the `X-API-Key` header, checked for its scope.

A header of its own, not `Authorization: Bearer`, so that the two kinds of credentials never stand in for
each other: staff endpoints read only the bearer token (looked up among staff tokens), partner endpoints
only this header (looked up among partner keys). A staff token sent here is refused with a 401, and so is a
partner key sent as a bearer token; a revoked, expired or unknown key is a 401 too, and a key without the
operation's scope a 403 naming the scope it lacks.

(No `from __future__ import annotations`: ninja reads annotations as objects.)"""

from typing import Any, cast

from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyHeader

from openpes.accounts import services
from openpes.accounts.models import PartnerKey, PartnerScope
from openpes.core.throttling import PerAddress, PerCaller

HEADER = "X-API-Key"
MISSING_MESSAGE = f"缺少合作系统 API 密钥：请在请求头 {HEADER} 中带上签发的密钥（opes_p_…）"
INVALID_MESSAGE = "合作系统 API 密钥无效、已过期或已吊销，请联系签发密钥的系统管理员"
STAFF_TOKEN_MESSAGE = (
    "这是工作人员的个人 API 令牌，不能用于合作系统接口；请使用签发给合作系统的密钥（opes_p_…）"  # noqa: S105
)


def scope_message(scope: str) -> str:
    label = PartnerScope(scope).label if scope in PartnerScope.values else scope
    return f"该 API 密钥没有“{scope}”权限（{label}），请联系签发密钥的系统管理员开通"


class PartnerKeyAuth(APIKeyHeader):
    """`X-API-Key: opes_p_…` holding `scope`. With `optional`, a request without the header passes on to
    the next authentication of the operation (the public job search)."""

    param_name = HEADER
    openapi_description = "合作系统的 API 密钥（opes_p_…），由系统管理员在“合作系统”页面签发；只用于 /partner/… 接口和找工作接口"

    def __init__(self, scope: str, *, optional: bool = False) -> None:
        self.scope, self.optional = scope, optional
        super().__init__()

    def authenticate(self, request: HttpRequest, key: str | None) -> PartnerKey | None:
        raw = (key or "").strip()
        if not raw:
            if self.optional:
                return None
            raise AuthenticationError(401, MISSING_MESSAGE)
        partner_key = services.partner_key_authenticate(raw)
        if partner_key is None:
            staff_token = raw.startswith(services.TOKEN_PREFIX) and not raw.startswith(
                services.PARTNER_KEY_PREFIX
            )
            raise AuthenticationError(401, STAFF_TOKEN_MESSAGE if staff_token else INVALID_MESSAGE)
        if not partner_key.has_scope(self.scope):
            raise HttpError(403, scope_message(self.scope))
        return partner_key


class Public:
    """Anyone (the operation's last authentication): marks the request as anonymous, limited by address."""

    def __call__(self, request: HttpRequest) -> Any:
        return PUBLIC


class _Anonymous:
    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "anonymous"


PUBLIC = _Anonymous()


def partner_key_of(request: HttpRequest) -> PartnerKey:
    """The authenticated partner key (set by PartnerKeyAuth)."""
    key = getattr(request, "auth", None)
    if not isinstance(key, PartnerKey):
        raise AuthenticationError(401, MISSING_MESSAGE)
    return cast(PartnerKey, key)


def partner_auth(scope: str) -> list[Any]:
    return [PartnerKeyAuth(scope)]


def partner_throttles() -> list[Any]:
    """Everything a partner key does counts against the key's own limit."""
    return [PerCaller("API_PARTNER_RATE", "partner")]


def public_throttles() -> list[Any]:
    """A public operation a partner key may also call: anonymous callers per address, keys per key."""
    return [PerAddress("API_JOBS_RATE", "jobs"), PerCaller("API_PARTNER_RATE", "partner")]


__all__ = [
    "HEADER",
    "PUBLIC",
    "PartnerKeyAuth",
    "Public",
    "partner_auth",
    "partner_key_of",
    "partner_throttles",
    "public_throttles",
    "scope_message",
]
