"""Build the demo county (绥宁县, 430527): divisions, institutions, staff at every level, households."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from openpes.accounts import services as accounts
from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.people import services as people
from openpes.people.models import Person
from openpes.regions import services as regions
from openpes.regions.models import Region, RegionLevel
from openpes.taxonomy import services as taxonomy

from .generator import CountyGenerator

COUNTY = "430527000000"
DEMO_PASSWORD = "Suining@2026"  # noqa: S105 - the demo's published password


@dataclass
class Login:
    role: str
    level: str
    place: str
    username: str


@dataclass
class DemoReport:
    persons: int = 0
    households: int = 0
    logins: list[Login] = field(default_factory=list)
    employer_logins: list[Login] = field(default_factory=list)
    admin_totp_secret: str = ""
    already_built: bool = False


def demo_built() -> bool:
    return Staff.objects.filter(username="county").exists()


def build_demo(*, persons: int = 3000, seed: int = 430527, today: dt.date | None = None) -> DemoReport:
    from .employers import build_employers, employer_logins  # it takes Login and the password from here

    if demo_built():
        report = DemoReport(already_built=True, persons=Person.objects.count())
        report.logins = _logins()
        report.employer_logins = employer_logins()
        report.admin_totp_secret = _totp_secret("admin")
        return report
    today = today or timezone.localdate()
    regions.load_national(prefix=COUNTY[:6])
    taxonomy.load_occupations()
    taxonomy.load_industries()
    county = Region.objects.get(code=COUNTY)
    townships = list(Region.objects.filter(parent_code=COUNTY, level=RegionLevel.TOWNSHIP).order_by("code"))
    villages = list(Region.objects.in_prefix(COUNTY[:6]).filter(level=RegionLevel.VILLAGE).order_by("code"))
    accounts.check_password_policy(DEMO_PASSWORD)
    password_hash = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        bureau = accounts.institution_create(
            actor=None, name=f"{county.name}公共就业服务中心", region_code=COUNTY
        )
        county_staff = [
            ("county", "县级经办员", Role.COUNTY_OFFICER),
            ("counsellor", "职业指导师", Role.COUNSELLOR),
            ("specialist", "就业服务专员", Role.SPECIALIST),
            ("manager", "中心主任", Role.MANAGER),
            ("admin", "系统管理员", Role.ADMINISTRATOR),
            ("auditor", "审计员", Role.AUDITOR),
        ]
        staff: dict[str, Staff] = {}
        for username, full_name, role in county_staff:
            staff[username] = accounts.staff_create(
                actor=None,
                username=username,
                full_name=full_name,
                password="",
                password_hash=password_hash,
                jurisdiction_code=COUNTY,
                roles=[role],
                institution=bureau,
            )
        TOTPDevice.objects.create(user=staff["admin"], name="演示身份验证器", confirmed=True)
        stations = {}
        for township in townships:
            station = stations[township.code] = accounts.institution_create(
                actor=None, name=f"{township.name}就业和社会保障服务站", region_code=township.code
            )
            accounts.staff_create(
                actor=None,
                username=f"t{township.code[:9]}",
                full_name="乡镇经办员",
                password="",
                password_hash=password_hash,
                jurisdiction_code=township.code,
                roles=[Role.TOWNSHIP_OFFICER],
                institution=station,
            )
        for village in villages:
            accounts.staff_create(
                actor=None,
                username=f"v{village.code}",
                full_name="劳务经纪人",
                password="",
                password_hash=password_hash,
                jurisdiction_code=village.code,
                roles=[Role.VILLAGE_BROKER],
                institution=stations.get(village.parent_code),
            )
        generator = CountyGenerator(
            county_code=COUNTY, villages=[(v.code, v.name) for v in villages], seed=seed, today=today
        )
        households = [h.as_input() for h in generator.households(persons)]
        result = people.households_bulk_create(actor=staff["county"], households=households, today=today)
        build_employers(
            county=staff["county"],
            specialist=staff["specialist"],
            townships=townships,
            seed=seed,
            today=today,
        )
    report = DemoReport(persons=result.created, households=len(households), logins=_logins())
    report.employer_logins = employer_logins()
    report.admin_totp_secret = _totp_secret("admin")
    return report


def _totp_secret(username: str) -> str:
    import base64

    device = TOTPDevice.objects.filter(user__username=username).first()
    return base64.b32encode(device.bin_key).decode() if device else ""


def _logins() -> list[Login]:
    """One login per role and level, with two sibling townships and two sibling villages."""
    rows: list[Login] = []
    for staff in Staff.objects.filter(jurisdiction_id=COUNTY).order_by("pk"):
        rows.append(Login(", ".join(staff.role_labels), "县", staff.jurisdiction.name, staff.username))
    townships = list(
        Staff.objects.filter(jurisdiction__level=RegionLevel.TOWNSHIP).order_by("jurisdiction_id")[:2]
    )
    for staff in townships:
        rows.append(Login(", ".join(staff.role_labels), "乡镇", staff.jurisdiction.name, staff.username))
    if townships:
        first_township = townships[0].jurisdiction_id[:9]
        villages = Staff.objects.filter(
            jurisdiction__level=RegionLevel.VILLAGE, jurisdiction__parent_code=first_township.ljust(12, "0")
        ).order_by("jurisdiction_id")[:2]
        for staff in villages:
            rows.append(Login(", ".join(staff.role_labels), "村", staff.jurisdiction.name, staff.username))
    return rows
