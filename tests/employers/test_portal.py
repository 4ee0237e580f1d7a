"""The employers' portal: sign-up by credit code, one account per code (a second sign-up is refused and a
claim of an employer staff registered sees nothing until confirmed), sign-in with throttling, and sessions
kept apart from the staff's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.core.errors import DomainError
from openpes.employers import rules, selectors, services
from openpes.employers.models import Employer, EmployerAccount, PortalLoginAttempt, Verification
from tests.conftest import PASSWORD
from tests.employers.helpers import make_employer, make_uscc

pytestmark = pytest.mark.django_db
PORTAL_PASSWORD = "Employer#Pass-2026"
HOME, LOGIN, SIGN_UP, LOGOUT = (
    "/jobs/employer/",
    "/jobs/employer/login/",
    "/jobs/employer/sign-up/",
    "/jobs/employer/logout/",
)


def sign_up(client: Client, code: str, name: str = "绥宁县新兴竹业有限公司", **extra: str) -> Any:
    data = {
        "uscc": code,
        "name": name,
        "contact_phone": "13907390001",
        "password": PORTAL_PASSWORD,
        "password_again": PORTAL_PASSWORD,
        **extra,
    }
    return client.post(SIGN_UP, data)


def test_sign_up_makes_a_pending_employer_in_the_county_of_the_code_and_signs_in(places):
    client = Client()
    code = make_uscc()
    response = sign_up(client, code.lower())
    assert response.status_code == 302 and response["Location"] == HOME
    employer = Employer.objects.get(uscc=code)
    assert employer.region_code == places.county
    assert employer.verification == Verification.PENDING and employer.created_by is None
    account = EmployerAccount.objects.get(login_name=code)
    assert not account.claimed_existing and not account.is_confirmed
    assert selectors.portal_employer(account) == employer
    assert not rules.account_can_publish(account, employer)
    page = client.get(HOME).content.decode()
    assert "待审核" in page and "绥宁县新兴竹业有限公司" in page
    assert ChangeLog.objects.filter(target_type="employers.employer", actor_name=f"单位账号 {code}").exists()


def test_verifying_the_employer_confirms_its_own_account(make_staff, places):
    code = make_uscc()
    sign_up(Client(), code)
    employer = Employer.objects.get(uscc=code)
    services.employer_verify(
        actor=make_staff(Role.COUNTY_OFFICER, places.county), employer=employer, approve=True
    )
    account = EmployerAccount.objects.get(login_name=code)
    assert account.is_confirmed
    assert rules.account_can_publish(account, Employer.objects.get(pk=employer.pk))


def test_a_second_sign_up_for_the_same_code_is_refused(places):
    code = make_uscc()
    sign_up(Client(), code)
    response = sign_up(Client(), code, name="冒名公司")
    assert response.status_code == 200
    assert services.ALREADY_REGISTERED in response.content.decode()
    assert EmployerAccount.objects.filter(employer__uscc=code).count() == 1
    assert Employer.objects.get(uscc=code).name == "绥宁县新兴竹业有限公司"


def test_claiming_an_employer_staff_registered_shows_nothing_of_it_until_confirmed(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(officer, places.village_a1, name="绥宁县宝鼎山茶业有限公司", address="宝鼎山1号")
    services.employer_verify(actor=officer, employer=employer, approve=True)
    client = Client()
    sign_up(client, employer.uscc, name="随便写的名字")
    account = EmployerAccount.objects.get(login_name=employer.uscc)
    assert account.claimed_existing and selectors.portal_employer(account) is None
    assert not rules.account_can_publish(account, employer)
    page = client.get(HOME).content.decode()
    assert "账号待确认" in page
    assert "宝鼎山1号" not in page and "138****1234" not in page and "绥宁县宝鼎山茶业" not in page
    services.account_confirm(actor=officer, account=account)
    assert selectors.portal_employer(account) == employer
    assert rules.account_can_publish(account, employer)
    assert "宝鼎山茶业" in client.get(HOME).content.decode()


def test_sign_up_problems_are_shown_in_chinese(places):
    mismatch = sign_up(Client(), make_uscc(), password_again="Other#Pass-2026")
    assert "两次输入的密码不一致" in mismatch.content.decode()
    response = sign_up(Client(), "91430527MA4L00000X", password="short", password_again="short")
    page = response.content.decode()
    assert response.status_code == 200
    assert "校验位" in page and "密码太短" in page
    with pytest.raises(DomainError) as exc:
        services.employer_sign_up(
            data=services.SignUp(
                uscc=make_uscc(division="990101"),
                name="某公司",
                contact_phone="13907390001",
                password=PORTAL_PASSWORD,
            )
        )
    assert "登记地" in exc.value.errors[0].message
    assert not Employer.objects.exists()


def test_sign_in_with_the_code_and_out(places):
    code = make_uscc()
    sign_up(Client(), code)
    client = Client()
    assert client.get(HOME)["Location"].startswith(LOGIN)
    response = client.post(
        LOGIN, {"login_name": f"{code[:9]} {code[9:]}".lower(), "password": PORTAL_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert EmployerAccount.objects.get(login_name=code).last_login is not None
    client.post(LOGOUT)
    assert client.get(HOME).status_code == 302


def test_the_session_key_changes_at_sign_in(places):
    code = make_uscc()
    sign_up(Client(), code)
    client = Client()
    client.get(LOGIN)
    client.session.save()
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else ""
    client.post(LOGIN, {"login_name": code, "password": PORTAL_PASSWORD})
    assert client.cookies["sessionid"].value != before


def test_wrong_passwords_lock_the_name_and_a_refused_try_is_not_counted(places, settings):
    code = make_uscc()
    sign_up(Client(), code)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page = client.post(LOGIN, {"login_name": code, "password": "Wrong#Pass-000"}).content.decode()
        assert "统一社会信用代码或密码不正确" in page
    response = client.post(LOGIN, {"login_name": code, "password": PORTAL_PASSWORD})
    assert "密码错误次数过多" in response.content.decode()
    assert client.get(HOME).status_code == 302
    assert PortalLoginAttempt.objects.filter(login_name=code).count() == settings.AXES_FAILURE_LIMIT


def test_one_address_trying_many_names_is_refused(places, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post(LOGIN, {"login_name": make_uscc(), "password": "Wrong#Pass-000"})
    code = make_uscc()
    sign_up(Client(), code)
    response = client.post(LOGIN, {"login_name": code, "password": PORTAL_PASSWORD})
    assert "密码错误次数过多" in response.content.decode()


def test_a_disabled_account_is_signed_out_and_cannot_sign_in(make_staff, places):
    code = make_uscc()
    client = Client()
    sign_up(client, code)
    account = EmployerAccount.objects.get(login_name=code)
    services.account_disable(
        actor=make_staff(Role.COUNTY_OFFICER, places.county), account=account, reason="非本单位人员注册"
    )
    assert client.get(HOME).status_code == 302
    response = Client().post(LOGIN, {"login_name": code, "password": PORTAL_PASSWORD})
    assert "账号已停用" in response.content.decode()


def test_a_portal_session_opens_no_staff_page_and_no_api(places):
    client = Client()
    sign_up(client, make_uscc())
    assert client.get(HOME).status_code == 200
    for url in ("/", "/employers/", "/persons/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/employers").status_code == 401


def test_a_staff_session_is_not_a_portal_sign_in(login_as, places):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_signing_in_on_one_side_ends_the_other(make_staff, places):
    code = make_uscc()
    sign_up(Client(), code)
    staff = make_staff(Role.COUNTY_OFFICER, places.county)
    client = Client()
    client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    client.post(LOGIN, {"login_name": code, "password": PORTAL_PASSWORD})
    assert client.get(HOME).status_code == 200
    assert client.get("/employers/").status_code == 302  # the staff session ended
    client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert client.get(HOME).status_code == 302  # and the portal one, when staff sign in again


def test_one_address_cannot_file_sign_ups_by_the_hundred(places, settings):
    settings.PORTAL_SIGNUPS_PER_ADDRESS_PER_HOUR = 2
    client = Client()
    for _ in range(2):
        assert sign_up(client, make_uscc()).status_code == 302
    response = sign_up(client, make_uscc())
    assert "注册的单位账号过多" in response.content.decode()
    assert EmployerAccount.objects.count() == 2


def test_a_corrected_credit_code_becomes_the_accounts_login_name(make_staff, places):
    code, corrected = make_uscc(), make_uscc()
    sign_up(Client(), code)
    employer = Employer.objects.get(uscc=code)
    services.employer_update(
        actor=make_staff(Role.COUNTY_OFFICER, places.county),
        employer=employer,
        data=services.EmployerInput(uscc=corrected),
        fields={"uscc"},
    )
    response = Client().post(LOGIN, {"login_name": corrected, "password": PORTAL_PASSWORD})
    assert response.status_code == 302 and response["Location"] == HOME
