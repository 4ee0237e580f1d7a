"""Account pages: sign-in and out, the TOTP second factor, personal API tokens, staff management, partner
systems and their API keys."""

from __future__ import annotations

import base64

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from openpes.accounts import partner_auth, selectors, services
from openpes.accounts.forms import (
    LoginForm,
    OtpForm,
    PartnerForm,
    PartnerKeyForm,
    PartnerKeyRevokeForm,
    PasswordChangeForm,
    PasswordResetForm,
    StaffCreateForm,
    TokenForm,
)
from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.core.errors import DomainError
from openpes.core.views import paginate, posted, staff_page


class StaffLoginView(LoginView):
    """Django's LoginView: it authenticates with the request, so django-axes counts failures and locks out
    (rendering accounts/locked_out.html)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    # settings.LOGIN_REDIRECT_URL says "dashboard", but the dashboard lives in the "people" namespace.
    next_page = reverse_lazy("people:dashboard")  # type: ignore[assignment]


login = StaffLoginView.as_view()
# POST only (Django 5); goes to LOGOUT_REDIRECT_URL. Public, so that the 退出 button of a session that has
# already expired lands on the login page rather than on a sign-in that would log out again.
logout = login_not_required(LogoutView.as_view())


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else reverse("people:dashboard")


@never_cache
def otp(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; staff without a confirmed authenticator enrol first (QR code and secret)."""
    staff: Staff = request.user  # type: ignore[assignment]
    device = services.totp_device_for(staff)
    form = OtpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", "验证失败次数过多，请稍等片刻再输入新的验证码")
        elif services.totp_confirm(staff=staff, device=device, token=form.cleaned_data["token"]):
            django_otp.login(request, device)
            messages.success(request, "双因素验证已通过。")
            return redirect(_next_url(request))
        else:
            form.add_error("token", "验证码不正确或已过期，请输入身份验证器上最新的6位数字")
    context = {
        "form": form,
        "device": device,
        "enrolling": not device.confirmed,
        "verified": staff.is_verified(),  # type: ignore[attr-defined]
        "next": _next_url(request),
    }
    if not device.confirmed:
        context["qr_uri"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
        context["secret"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/otp.html", context)


@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """Staff change their own password; those whose password an administrator chose are sent here first."""
    staff: Staff = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                staff=staff,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["password1"],
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            update_session_auth_hash(request, staff)  # stay signed in on this device
            messages.success(request, "密码已修改，请牢记新密码。")
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": staff.must_change_password, "next": _next_url(request)},
    )


@staff_page()
@never_cache
def tokens(request: HttpRequest) -> HttpResponse:
    """The staff member's own API tokens; a new token is shown on this response only, never again."""
    staff: Staff = request.user  # type: ignore[assignment]
    form = TokenForm(posted(request))
    created = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw = services.token_create(
                actor=staff, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.token_list(actor=staff), "created": created, "raw_token": raw},
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    staff: Staff = request.user  # type: ignore[assignment]
    token = selectors.token_get(actor=staff, pk=pk)
    if token is None:
        raise Http404
    services.token_revoke(actor=staff, token=token)
    messages.success(request, f"令牌 {token.prefix}… 已吊销，使用它的程序将无法再访问。")
    return redirect("accounts:tokens")


# --- staff management (administrators) ---------------------------------------------------------------------


@staff_page("accounts.view_staff")
def staff_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    page = paginate(request, selectors.staff_list(actor=request.user, query=query))  # type: ignore[arg-type]
    for member in page.object_list:  # labels from the prefetched groups, not one query per row
        member.role_names = [Role(g.name).label for g in member.groups.all() if g.name in Role.values]
    return render(request, "accounts/staff_list.html", {"page": page, "q": query})


@staff_page("accounts.view_staff", "accounts.add_staff")
def staff_create(request: HttpRequest) -> HttpResponse:
    actor: Staff = request.user  # type: ignore[assignment]
    form = StaffCreateForm(posted(request), actor=actor, institutions=selectors.institution_list(actor=actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff = services.staff_create(
                actor=actor,
                username=data["username"],
                full_name=data["full_name"],
                password=data["password1"],
                jurisdiction_code=data["jurisdiction_code"],
                roles=data["roles"],
                institution=data["institution"],
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"已新增工作人员 {staff.full_name}（{staff.username}）。")
            return redirect("accounts:staff_detail", pk=staff.pk)
    return render(request, "accounts/staff_form.html", {"form": form})


@staff_page("accounts.view_staff")
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = selectors.staff_get(actor=request.user, pk=pk)  # type: ignore[arg-type]
    if staff is None:
        raise Http404
    return render(request, "accounts/staff_detail.html", {"member": staff})


@staff_page("accounts.view_staff", "accounts.change_staff")
@never_cache
def staff_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Staff = request.user  # type: ignore[assignment]
    staff = selectors.staff_get(actor=actor, pk=pk)
    if staff is None:
        raise Http404
    form = PasswordResetForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_reset_password(actor=actor, staff=staff, password=form.cleaned_data["password1"])
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(
                request,
                f"已重置 {staff.username} 的密码。请当面或通过可靠渠道告知临时密码，对方登录时须立即改为自己的密码。",
            )
            return redirect("accounts:staff_detail", pk=staff.pk)
    return render(request, "accounts/staff_password.html", {"form": form, "member": staff})


@staff_page("accounts.view_staff", "accounts.change_staff")
@require_POST
def staff_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Staff = request.user  # type: ignore[assignment]
    staff = selectors.staff_get(actor=actor, pk=pk)
    if staff is None:
        raise Http404
    active = request.POST.get("active") == "1"
    try:
        services.staff_set_active(actor=actor, staff=staff, active=active)
    except DomainError as exc:
        for error in exc.errors:
            messages.error(request, error.message)
    else:
        messages.success(request, f"已{'启用' if active else '停用'}账号 {staff.username}。")
    return redirect("accounts:staff_detail", pk=staff.pk)


# --- partner systems and their API keys (administrators) ---------------------------------------------------


@staff_page("accounts.view_partner", "accounts.view_partnerkey")
def partner_list(request: HttpRequest) -> HttpResponse:
    actor: Staff = request.user  # type: ignore[assignment]
    may_add = actor.has_perm("accounts.add_partner")
    form = PartnerForm(posted(request), actor=actor)
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                partner = services.partner_create(
                    actor=actor, name=form.cleaned_data["name"], region_code=form.cleaned_data["region_code"]
                )
            except DomainError as exc:
                form.attach(exc)
            else:
                messages.success(request, f"已登记合作系统 {partner.name}，请为其签发 API 密钥。")
                return redirect("accounts:partner_detail", pk=partner.pk)
    page = paginate(request, selectors.partner_list(actor=actor))
    return render(request, "accounts/partner_list.html", {"page": page, "form": form, "may_add": may_add})


@staff_page("accounts.view_partner", "accounts.view_partnerkey")
@never_cache
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner system, its keys, and the form that issues one; a new key is shown on this response only."""
    actor: Staff = request.user  # type: ignore[assignment]
    partner = selectors.partner_get(actor=actor, pk=pk)
    if partner is None:
        raise Http404
    form = PartnerKeyForm(posted(request))
    created = raw = None
    if request.method == "POST":
        if not actor.has_perm("accounts.add_partnerkey"):
            raise PermissionDenied
        if form.is_valid():
            try:
                created, raw = services.partner_key_create(
                    actor=actor,
                    partner=partner,
                    scopes=form.cleaned_data["scopes"],
                    days=form.cleaned_data["days"],
                )
            except DomainError as exc:
                form.attach(exc)
            else:
                form = PartnerKeyForm()
    keys = partner.keys.select_related("created_by", "revoked_by").order_by("-created_at", "-id")
    context = {
        "partner": partner,
        "keys": keys,
        "form": form,
        "revoke_form": PartnerKeyRevokeForm(),
        "created": created,
        "raw_key": raw,
        "header": partner_auth.HEADER,
    }
    return render(request, "accounts/partner_detail.html", context)


@staff_page("accounts.view_partnerkey", "accounts.change_partnerkey")
@require_POST
def partner_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Staff = request.user  # type: ignore[assignment]
    key = selectors.partner_key_get(actor=actor, pk=pk)
    if key is None:
        raise Http404
    form = PartnerKeyRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("accounts:partner_detail", pk=key.partner_id)
    try:
        services.partner_key_revoke(actor=actor, key=key, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(request, f"密钥 {key.prefix}… 已吊销，使用它的合作系统将无法再访问。")
    return redirect("accounts:partner_detail", pk=key.partner_id)
