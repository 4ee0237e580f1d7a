"""Password policy (SECURITY.md #12), roles and separation of duties, staff creation and API tokens."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group

from openpes.accounts import selectors
from openpes.accounts import services as accounts
from openpes.accounts.models import ApiToken, Staff
from openpes.accounts.roles import ROLE_PERMISSIONS, Role
from openpes.audit.models import ChangeLog
from openpes.core.errors import DomainError
from tests.conftest import PASSWORD

CJK = re.compile(r"[\u4e00-\u9fff]")


def create(password: str = PASSWORD, **kwargs) -> Staff:
    fields = {
        "actor": None,
        "username": "zhangwei2026",
        "full_name": "张伟",
        "password": password,
        "jurisdiction_code": "430527000000",
        "roles": [Role.COUNTY_OFFICER],
    }
    return accounts.staff_create(**(fields | kwargs))


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Ab1!xyz", "短"),
        ("Password123", "常见"),
        ("Qwerty12345", "常见"),
        ("20260101123456", "数字"),
        ("abcdefghijkmnp", "三类"),
        ("ABCDEFGHJKLMNP", "三类"),
        ("Zhangwei2026!", "相似"),
    ],
    ids=["short", "common", "common-keyboard", "numeric", "lower-only", "upper-only", "like-username"],
)
def test_weak_passwords_are_refused_in_chinese_and_nothing_is_created(db, password, why):
    before = (Staff.objects.count(), ChangeLog.objects.count())
    with pytest.raises(DomainError) as info:
        create(password)
    error = info.value.errors[0]
    assert error.field == "password"
    assert why in error.message
    assert not re.search(r"[A-Za-z]{4,}", error.message.replace("登录名", "")), (
        f"untranslated: {error.message}"
    )
    assert (Staff.objects.count(), ChangeLog.objects.count()) == before


def test_a_strong_password_is_accepted_and_stored_hashed(db):
    staff = create()
    assert staff.password != PASSWORD
    assert PASSWORD not in staff.password
    assert staff.check_password(PASSWORD)


def test_production_settings_hash_with_argon2_first():
    import openpes.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert not any("MD5" in h or "SHA1" in h or "Unsalted" in h for h in production.PASSWORD_HASHERS)
    import argon2  # noqa: F401 - the hasher needs argon2-cffi installed


def test_argon2_hashes_have_the_argon2_form(db, settings):
    import openpes.settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert create().password.startswith("argon2$argon2id$")


def test_password_policy_is_at_least_ten_characters_and_three_classes():
    import openpes.settings as production

    names = [v["NAME"].rsplit(".", 1)[-1] for v in production.AUTH_PASSWORD_VALIDATORS]
    assert {"UserAttributeSimilarityValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= set(
        names
    )
    assert "CharacterClassValidator" in names
    length = [v for v in production.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator")]
    assert length and length[0]["OPTIONS"]["min_length"] >= 10


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("username", {"username": "张伟"}),
        ("username", {"username": "a b"}),
        ("username", {"username": "<x>"}),
        ("full_name", {"full_name": "<b>张</b>"}),
        ("roles", {"roles": []}),
        ("roles", {"roles": ["superuser"]}),
        ("jurisdiction_code", {"jurisdiction_code": "999999000000"}),
    ],
)
def test_staff_create_refuses_bad_input(db, field, kwargs):
    with pytest.raises(DomainError) as info:
        create(**kwargs)
    assert info.value.errors[0].field == field
    assert CJK.search(info.value.errors[0].message)
    assert not Staff.objects.exists()


def test_usernames_are_unique(db):
    create()
    with pytest.raises(DomainError, match="已被使用"):
        create()


def test_staff_can_only_be_created_inside_the_actors_jurisdiction(make_staff, places):
    admin = make_staff(Role.ADMINISTRATOR, places.township_a)
    create(actor=admin, username="inside", jurisdiction_code=places.village_a1)
    with pytest.raises(DomainError, match="辖区"):
        create(actor=admin, username="outside", jurisdiction_code=places.village_b1)
    with pytest.raises(DomainError, match="辖区"):
        create(actor=admin, username="above", jurisdiction_code=places.county)


def test_staff_list_is_scoped(make_staff, places):
    a = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    b = make_staff(Role.TOWNSHIP_OFFICER, places.township_b)
    a_broker = make_staff(Role.VILLAGE_BROKER, places.village_a1)
    visible = set(selectors.staff_list(actor=a))
    assert a in visible and a_broker in visible
    assert b not in visible
    assert selectors.staff_get(actor=a, pk=b.pk) is None


# --- roles ------------------------------------------------------------------------------------------------


def test_sync_roles_gives_each_role_exactly_its_permissions(db):
    Group.objects.all().delete()
    accounts.sync_roles()
    for role in Role:
        group = Group.objects.get(name=role)
        have = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert have == set(ROLE_PERMISSIONS[role]), role


def test_sync_roles_removes_permissions_added_by_hand(db):
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=Role.AUDITOR)
    group.permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    accounts.sync_roles()
    assert not group.permissions.filter(codename="reveal_personal_data").exists()


def test_every_role_permission_exists(db):
    from django.contrib.auth.models import Permission

    for perms in ROLE_PERMISSIONS.values():
        for perm in perms:
            app_label, codename = perm.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), (
                perm
            )


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.AUDITOR])
def test_administrators_and_auditors_cannot_reveal_or_change_personal_data(make_staff, role):
    staff = make_staff(role)
    for perm in ("people.reveal_personal_data", "people.change_person", "people.add_person"):
        assert not staff.has_perm(perm)


def test_separation_of_duties(make_staff):
    admin, auditor = make_staff(Role.ADMINISTRATOR), make_staff(Role.AUDITOR)
    assert admin.has_perm("accounts.add_staff")
    assert not admin.has_perm("audit.view_changelog")
    assert auditor.has_perm("audit.view_changelog") and auditor.has_perm("audit.view_accesslog")
    assert not auditor.has_perm("accounts.add_staff")
    assert not auditor.has_perm("accounts.change_staff")


# --- API tokens -------------------------------------------------------------------------------------------


def test_token_is_shown_once_and_stored_as_a_digest(make_staff):
    staff = make_staff()
    token, raw = accounts.token_create(actor=staff, name="对接", days=30)
    assert raw.startswith(accounts.TOKEN_PREFIX)
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix)
    assert stored.digest == ApiToken.digest_of(raw)
    assert accounts.token_authenticate(raw) == staff
    assert accounts.token_authenticate(raw + "x") is None
    assert accounts.token_authenticate("not-a-token") is None


def test_token_expires(make_staff):
    staff = make_staff()
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False) as traveller:
        _, raw = accounts.token_create(actor=staff, name="短期", days=1)
        traveller.shift(dt.timedelta(hours=23))
        assert accounts.token_authenticate(raw) == staff
        traveller.shift(dt.timedelta(hours=2))
        assert accounts.token_authenticate(raw) is None


def test_revoked_token_no_longer_authenticates(make_staff):
    staff = make_staff()
    token, raw = accounts.token_create(actor=staff, name="对接")
    accounts.token_revoke(actor=staff, token=token)
    assert accounts.token_authenticate(raw) is None
    assert token.status == "已吊销"


@pytest.mark.parametrize("days", [0, 367, -1])
def test_token_lifetime_is_bounded(make_staff, days):
    with pytest.raises(DomainError, match="1至366天"):
        accounts.token_create(actor=make_staff(), name="x", days=days)


def test_token_list_shows_only_ones_own(make_staff):
    mine, theirs = make_staff(), make_staff()
    accounts.token_create(actor=theirs, name="别人的")
    token, _ = accounts.token_create(actor=mine, name="我的")
    assert list(selectors.token_list(actor=mine)) == [token]


def test_permission_checks_read_only_the_roles(make_staff, django_assert_num_queries):
    """Every API call and page checks permissions: Django's ModelBackend read two permission tables per
    request for it. The roles' permissions are ROLE_PERMISSIONS (which sync_roles writes to the groups, see
    above), so one query of the staff member's roles answers every check of the request."""
    staff = Staff.objects.get(pk=make_staff(Role.TOWNSHIP_OFFICER).pk)
    with django_assert_num_queries(1):
        assert staff.has_perms(["people.view_person", "people.change_person"])
        assert not staff.has_perm("accounts.add_staff")
        assert staff.has_module_perms("people")
        assert not staff.has_module_perms("audit")
        assert staff.get_all_permissions() == set(ROLE_PERMISSIONS[Role.TOWNSHIP_OFFICER])


def test_a_disabled_account_has_no_permission(make_staff):
    staff = make_staff(Role.COUNTY_OFFICER)
    staff.is_active = False
    assert not staff.has_perm("people.view_person")
    assert not staff.has_module_perms("people")
    assert staff.get_all_permissions() == set()
