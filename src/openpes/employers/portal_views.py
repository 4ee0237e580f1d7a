"""The employers' pages of the public portal (/jobs/employer/): sign-up, sign-in, sign-out and a home page
with the verification status. Mobile-first, on portal/base.html, with no staff navigation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from openpes.core.errors import DomainError
from openpes.core.proxies import client_address
from openpes.core.views import posted
from openpes.employers import rules, selectors, services
from openpes.employers.forms import PortalLoginForm, SignUpForm
from openpes.employers.portal import (
    portal_account,
    portal_login,
    portal_login_required,
    portal_logout,
    portal_page,
)
from openpes.regions.selectors import full_name

HOME = "employer_portal:home"


def _next_url(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/jobs/") else None


@portal_page
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = services.SignUp(
            uscc=form.cleaned_data["uscc"],
            name=form.cleaned_data["name"],
            contact_phone=form.cleaned_data["contact_phone"],
            password=form.cleaned_data["password"],
        )
        try:
            account = services.employer_sign_up(data=data, ip_address=client_address(request))
        except DomainError as exc:
            form.attach(exc)
        else:
            portal_login(request, account)
            messages.success(request, "注册成功。单位信息经公共就业服务机构审核通过后，即可发布岗位。")
            return redirect(HOME)
    return render(request, "portal/employer_sign_up.html", {"form": form})


@portal_page
def login(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and portal_account(request) is not None:
        return redirect(_next_url(request) or HOME)
    form = PortalLoginForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            account = services.portal_authenticate(
                login_name=form.cleaned_data["login_name"],
                password=form.cleaned_data["password"],
                ip_address=client_address(request),
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            portal_login(request, account)
            return redirect(_next_url(request) or HOME)
    return render(request, "portal/employer_login.html", {"form": form, "next": _next_url(request) or ""})


@portal_page
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    portal_logout(request)
    messages.info(request, "已退出单位账号。")
    return redirect("employer_portal:login")


@portal_login_required
def home(request: HttpRequest) -> HttpResponse:
    account = portal_account(request)
    assert account is not None
    employer = selectors.portal_employer(account)
    context = {
        "account": account,
        "employer": employer,
        "place": full_name(employer.region_code) if employer else "",
        "can_publish": employer is not None and rules.account_can_publish(account, employer),
        "refusal": rules.publish_refusal(employer) if employer else None,
        "portal_signed_in": True,
    }
    return render(request, "portal/employer_home.html", context)
