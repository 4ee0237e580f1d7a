"""SECURITY.md #5: revealing a masked value is logged with who, when, from where, which record and why;
roles without the permission are refused and leave no trace of a reveal."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from openpes.accounts.roles import ROLE_PERMISSIONS, Role
from openpes.audit.models import AccessLog
from openpes.core.context import RequestContext, acting
from openpes.core.errors import DomainError
from openpes.people import services
from tests.factories import PersonInputFactory

MAY_REVEAL = {role for role, perms in ROLE_PERMISSIONS.items() if services.REVEAL_PERMISSION in perms}


@pytest.fixture
def person(make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    return services.person_create(actor=county, data=PersonInputFactory(region_code=places.village_a1))


def test_role_table_lets_only_registry_workers_reveal():
    assert Role.ADMINISTRATOR not in MAY_REVEAL
    assert Role.AUDITOR not in MAY_REVEAL
    assert Role.MANAGER not in MAY_REVEAL
    assert Role.SPECIALIST not in MAY_REVEAL
    assert {Role.VILLAGE_BROKER, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER} <= MAY_REVEAL


def test_one_reveal_writes_exactly_one_complete_access_log_row(person, make_staff, places):
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    moment = dt.datetime(2026, 3, 15, 9, 30, tzinfo=dt.UTC)
    ctx = RequestContext(ip_address="10.20.30.40", user_agent="Mozilla/5.0 测试", channel="web")
    with time_machine.travel(moment, tick=False), acting(ctx):
        value = services.person_reveal(
            actor=officer, person=person, field_name="id_number", reason="办理失业登记核对身份"
        )
    assert len(value) == 18
    row = AccessLog.objects.get()
    assert row.actor == officer
    assert row.actor_name == officer.username
    assert row.at == moment
    assert row.ip_address == "10.20.30.40"
    assert row.user_agent == "Mozilla/5.0 测试"
    assert row.channel == "web"
    assert (row.target_type, row.target_id) == ("people.person", str(person.pk))
    assert row.field == "id_number"
    assert row.reason == "办理失业登记核对身份"
    assert row.region_code == person.region_code
    assert value not in str(row.__dict__)


def test_each_reveal_is_logged_separately(person, make_staff, places):
    broker = make_staff(Role.VILLAGE_BROKER, places.village_a1)
    with acting(RequestContext(ip_address="192.0.2.7", channel="api")):
        services.person_reveal(actor=broker, person=person, field_name="phone", reason="电话回访")
        services.person_reveal(actor=broker, person=person, field_name="id_number", reason="核对")
    assert list(AccessLog.objects.order_by("id").values_list("field", "channel", "ip_address")) == [
        ("phone", "api", "192.0.2.7"),
        ("id_number", "api", "192.0.2.7"),
    ]


@pytest.mark.parametrize("role", [r for r in Role if r not in MAY_REVEAL])
def test_roles_without_the_permission_are_refused_and_nothing_is_logged(person, make_staff, places, role):
    actor = make_staff(role, places.county)
    assert not actor.has_perm(services.REVEAL_PERMISSION)
    with pytest.raises(DomainError, match="权限"):
        services.person_reveal(actor=actor, person=person, field_name="id_number", reason="看看")
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", sorted(MAY_REVEAL))
def test_roles_with_the_permission_may_reveal(person, make_staff, places, role):
    actor = make_staff(role, places.county)
    services.person_reveal(actor=actor, person=person, field_name="phone", reason="电话回访")
    assert AccessLog.objects.get().actor == actor


def test_access_log_time_is_the_time_of_the_reveal(person, make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    before = timezone.now()
    services.person_reveal(actor=officer, person=person, field_name="id_number", reason="核对")
    assert before <= AccessLog.objects.get().at <= timezone.now()
