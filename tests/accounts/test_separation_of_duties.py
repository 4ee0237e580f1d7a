"""SECURITY.md #22, separation of duties (等保 2.0 三员分立): role sets mixing administration, audit and registry
work are refused on every path; an account whose password an administrator chose (created or reset) reaches
nothing, pages or API, until its owner has chosen their own; staff change their own password on a page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from openpes.accounts import services as accounts
from openpes.accounts.models import Staff, StaffSession
from openpes.accounts.roles import ROLE_DUTY, ROLE_PERMISSIONS, Duty, Role, duties_of, mixed_duties
from openpes.audit.models import ChangeLog
from openpes.core.errors import DomainError
from tests.conftest import COUNTY, PASSWORD
from tests.pages.conftest import text_of, verify_second_factor

TEMPORARY = "Temp#Passw0rd-2026"
OWN = "Own#Choice-Pass-2026"

MIXED = [
    [Role.ADMINISTRATOR, Role.COUNTY_OFFICER],
    [Role.ADMINISTRATOR, Role.AUDITOR],
    [Role.AUDITOR, Role.COUNTY_OFFICER],
    [Role.AUDITOR, Role.SPECIALIST],
    [Role.ADMINISTRATOR, Role.MANAGER],
    [Role.ADMINISTRATOR, Role.AUDITOR, Role.COUNTY_OFFICER],
]


def create(actor=None, roles=(Role.COUNTY_OFFICER,), username="newstaff", **kwargs) -> Staff:
    return accounts.staff_create(
        actor=actor,
        username=username,
        full_name="龙小花",
        password=TEMPORARY,
        jurisdiction_code=kwargs.pop("jurisdiction_code", COUNTY),
        roles=list(roles),
        **kwargs,
    )


@pytest.fixture
def admin_page(login_as):
    """`admin_page(region)` → an administrator of that region, signed in and past the second factor."""

    def make(region: str = COUNTY) -> Client:
        client = login_as(Role.ADMINISTRATOR, region)
        verify_second_factor(client, client.staff)
        return client

    return make


# --- duties as data -----------------------------------------------------------------------------------------


def test_every_role_has_exactly_one_duty_that_matches_its_permissions():
    assert set(ROLE_DUTY) == set(Role.values)
    for role, perms in ROLE_PERMISSIONS.items():
        apps = {p.split(".")[0] for p in perms} - {"regions"}
        expected = {
            "people": Duty.REGISTRY,
            "employment": Duty.REGISTRY,
            "employers": Duty.REGISTRY,
            "vacancies": Duty.REGISTRY,
            "accounts": Duty.ADMINISTRATION,
            "audit": Duty.AUDIT,
        }
        assert {expected[a] for a in apps} == {ROLE_DUTY[role]}, role


def test_mixed_duties():
    assert not mixed_duties([Role.COUNTY_OFFICER, Role.COUNSELLOR, Role.MANAGER])
    assert not mixed_duties([Role.AUDITOR])
    assert duties_of([Role.ADMINISTRATOR, Role.AUDITOR]) == {Duty.ADMINISTRATION, Duty.AUDIT}


# --- refused on every path ----------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", MIXED, ids=lambda r: "+".join(r))
def test_the_service_refuses_roles_of_more_than_one_duty(make_staff, roles):
    admin = make_staff(Role.ADMINISTRATOR)
    before = Staff.objects.count(), ChangeLog.objects.count()
    for actor in (admin, None):  # the page and the API act as an administrator; the CLI as None
        with pytest.raises(DomainError) as info:
            create(actor=actor, roles=roles)
        error = info.value.errors[0]
        assert error.field == "roles"
        assert "三员分立" in error.message and Role(roles[0]).label in error.message
    assert (Staff.objects.count(), ChangeLog.objects.count()) == before


def test_roles_of_one_duty_may_be_combined(db):
    assert create(roles=[Role.COUNTY_OFFICER, Role.COUNSELLOR]).roles == {"county_officer", "counsellor"}


def test_the_page_refuses_mixed_roles(places, admin_page):
    client = admin_page(places.county)
    response = client.post(
        "/accounts/staff/new/",
        {
            "username": "allpowers",
            "full_name": "龙小花",
            "password1": TEMPORARY,
            "password2": TEMPORARY,
            "jurisdiction_code": places.county,
            "roles": [Role.ADMINISTRATOR, Role.COUNTY_OFFICER],
            "institution": "",
        },
    )
    assert response.status_code == 200
    assert "三员分立" in text_of(response)
    assert not Staff.objects.filter(username="allpowers").exists()


# --- the administrator never holds a working password --------------------------------------------------------


def sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, text_of(response)
    return client


def test_accounts_made_on_the_command_line_or_by_the_demo_are_not_forced(db):
    assert not create().must_change_password
    assert create(username="forced", must_change_password=True).must_change_password


def test_an_account_an_administrator_created_reaches_only_the_password_page(make_staff, places):
    admin = make_staff(Role.ADMINISTRATOR)
    staff = create(actor=admin, jurisdiction_code=places.village_a1, roles=[Role.VILLAGE_BROKER])
    assert staff.must_change_password
    client = sign_in(staff.username, TEMPORARY)
    for url in ("/", "/persons/", "/accounts/tokens/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/password/"), url
    api = client.get("/api/v1/me")
    assert api.status_code == 403
    assert "修改" in api.json()["detail"] and "初始密码" in api.json()["detail"]
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "系统管理员设置的初始密码" in text_of(page)


def test_a_token_of_an_account_waiting_for_its_password_is_refused(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    staff = make_staff(Role.COUNTY_OFFICER)
    _, raw = accounts.token_create(actor=staff, name="对接")
    accounts.staff_reset_password(actor=admin, staff=staff, password=TEMPORARY)
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403
    assert "初始密码" in response.json()["detail"]


def test_after_choosing_a_password_the_owner_works_and_the_temporary_one_is_dead(make_staff, places):
    admin = make_staff(Role.ADMINISTRATOR)
    staff = create(actor=admin, jurisdiction_code=places.village_a1, roles=[Role.VILLAGE_BROKER])
    client = sign_in(staff.username, TEMPORARY)
    response = client.post(
        "/accounts/password/",
        {"old_password": TEMPORARY, "password1": OWN, "password2": OWN, "next": "/persons/"},
    )
    assert response.status_code == 302 and response["Location"] == "/persons/"
    assert client.get("/persons/").status_code == 200  # still signed in on this device
    assert client.get("/api/v1/me").status_code == 200
    staff.refresh_from_db()
    assert not staff.must_change_password
    assert not staff.check_password(TEMPORARY) and staff.check_password(OWN)
    row = ChangeLog.objects.filter(target_type="accounts.staff", target_id=str(staff.pk)).latest("id")
    assert row.actor_id == staff.pk and row.summary == "修改本人密码"
    assert OWN not in str(row.changes) and TEMPORARY not in str(row.changes)


def test_an_administrator_created_administrator_passes_the_second_factor_then_the_password(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    other = create(actor=admin, roles=[Role.ADMINISTRATOR], username="newadmin")
    client = sign_in(other.username, TEMPORARY)
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/otp/")
    verify_second_factor(client, other)
    assert client.get("/")["Location"].startswith("/accounts/password/")


def test_a_reset_ends_sessions_forces_a_change_and_is_audited(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    staff = make_staff(Role.COUNTY_OFFICER)
    client = sign_in(staff.username, PASSWORD)
    assert client.get("/persons/").status_code == 200
    accounts.staff_reset_password(actor=admin, staff=staff, password=TEMPORARY)
    assert not StaffSession.objects.filter(staff=staff).exists()
    assert client.get("/persons/")["Location"].startswith("/accounts/login/")
    staff.refresh_from_db()
    assert staff.must_change_password and staff.check_password(TEMPORARY)
    row = ChangeLog.objects.filter(target_type="accounts.staff", target_id=str(staff.pk)).latest("id")
    assert row.actor_id == admin.pk and "重置" in row.summary and TEMPORARY not in str(row.changes)
    assert sign_in(staff.username, TEMPORARY).get("/")["Location"].startswith("/accounts/password/")


def test_the_reset_page(places, admin_page, make_staff):
    staff = make_staff(Role.VILLAGE_BROKER, places.village_a1)
    client = admin_page(places.county)
    assert "重置密码" in text_of(client.get(f"/accounts/staff/{staff.pk}/"))
    weak = client.post(f"/accounts/staff/{staff.pk}/password/", {"password1": "abc", "password2": "abc"})
    assert weak.status_code == 200 and "密码太短" in text_of(weak)
    response = client.post(
        f"/accounts/staff/{staff.pk}/password/", {"password1": TEMPORARY, "password2": TEMPORARY}
    )
    assert response["Location"] == f"/accounts/staff/{staff.pk}/"
    staff.refresh_from_db()
    assert staff.must_change_password
    assert "等待本人首次登录修改" in text_of(client.get(f"/accounts/staff/{staff.pk}/"))


def test_the_reset_page_is_scoped_and_for_administrators_only(places, admin_page, make_staff, login_as):
    outside = make_staff(Role.VILLAGE_BROKER, places.village_b1)
    data = {"password1": TEMPORARY, "password2": TEMPORARY}
    assert (
        admin_page(places.township_a).post(f"/accounts/staff/{outside.pk}/password/", data).status_code == 404
    )
    assert (
        login_as(Role.COUNTY_OFFICER).post(f"/accounts/staff/{outside.pk}/password/", data).status_code == 403
    )
    outside.refresh_from_db()
    assert not outside.must_change_password


def test_an_administrator_cannot_reset_its_own_password_here(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    with pytest.raises(DomainError, match="修改密码"):
        accounts.staff_reset_password(actor=admin, staff=admin, password=TEMPORARY)


# --- changing one's own password ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"old_password": "Wrong#Passw0rd-1", "password1": OWN, "password2": OWN}, "当前密码不正确"),
        ({"old_password": PASSWORD, "password1": OWN, "password2": OWN + "x"}, "两次输入的密码不一致"),
        ({"old_password": PASSWORD, "password1": "abcdefghijk", "password2": "abcdefghijk"}, "三类"),
        ({"old_password": PASSWORD, "password1": PASSWORD, "password2": PASSWORD}, "不能与当前密码相同"),
        ({"old_password": "", "password1": "", "password2": ""}, "请填写"),
    ],
    ids=["wrong-old", "mismatch", "weak", "same", "empty"],
)
def test_changing_ones_password_refuses_bad_input_in_chinese(login_as, data, message):
    client = login_as(Role.COUNTY_OFFICER)
    before = ChangeLog.objects.count()
    response = client.post("/accounts/password/", data)
    assert response.status_code == 200
    assert message in text_of(response)
    client.staff.refresh_from_db()
    assert client.staff.check_password(PASSWORD)
    assert ChangeLog.objects.count() == before


def test_the_user_menu_links_to_the_password_page(login_as):
    text = text_of(login_as(Role.COUNTY_OFFICER).get("/"))
    assert 'href="/accounts/password/"' in text and "修改密码" in text


def test_the_password_page_needs_sign_in(client):
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/login/")


def test_groups_of_an_account_still_match_its_roles(db):
    staff = create(roles=[Role.AUDITOR])
    assert list(staff.groups.values_list("name", flat=True)) == [Group.objects.get(name="auditor").name]


def test_an_account_that_already_mixes_duties_gets_no_permission_at_all(make_staff):
    # Roles given before mixing was refused, or by a raw write: the account can do nothing until fixed.
    from django.contrib.auth.models import Group

    from openpes.accounts.models import Staff

    staff = make_staff(Role.COUNTY_OFFICER)
    assert staff.has_perm("people.reveal_personal_data")
    staff.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
    staff = Staff.objects.get(pk=staff.pk)
    assert staff.get_all_permissions() == set()
    assert not staff.has_perm("people.reveal_personal_data") and not staff.has_perm("accounts.add_staff")
