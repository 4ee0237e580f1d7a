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
    vacancies: dict[str, int] = field(default_factory=dict)  # by review state
    admin_totp_secret: str = ""
    already_built: bool = False


def demo_built() -> bool:
    return Staff.objects.filter(username="county").exists()


def build_demo(
    *, persons: int = 3000, seed: int = 430527, today: dt.date | None = None, vacancies: int = 300
) -> DemoReport:
    from .employers import build_employers, employer_logins  # it takes Login and the password from here
    from .vacancies import build_vacancies

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
        _employment(staff["county"], seed, today)
        build_employers(
            county=staff["county"],
            specialist=staff["specialist"],
            townships=townships,
            seed=seed,
            today=today,
        )
        vacancy_states = build_vacancies(county=staff["county"], seed=seed, count=vacancies)
    report = DemoReport(persons=result.created, households=len(households), logins=_logins())
    report.vacancies = vacancy_states
    report.employer_logins = employer_logins()
    report.admin_totp_secret = _totp_secret("admin")
    return report


# The shares behind the demo's employment records: roughly a rural county's survey (most adults farm or
# work away, a few per cent are out of work), so that every employment page has something to show.
EMPLOYED_FORMS = [
    ("farming", 0.35),
    ("unit", 0.35),
    ("flexible", 0.22),
    ("self_employed", 0.06),
    ("public_welfare", 0.02),
]
EMPLOYERS = [
    "绥宁县竹木加工厂",
    "长铺镇农业合作社",
    "广东东莞电子厂",
    "浙江义乌物流园",
    "绥宁县人民医院",
    "邵阳建筑工程公司",
]


def _employment(actor: Staff, seed: int, today: dt.date) -> None:
    """Survey statuses for everyone, registrations for most of the unemployed (some long ago, so that
    contacts are overdue), key-group facts for a few, and a few households where nobody works."""
    import random

    from openpes.employment import rules
    from openpes.employment import services as employment
    from openpes.employment.services import survey_import as importing

    rng = random.Random(seed)
    persons = list(Person.objects.order_by("pk").values_list("pk", "birth_month", "sex", "household_id"))
    # The printed township login (the first township) gets a few of everything, so that each of its pages
    # has something to show; the rest of the county keeps the ordinary shares.
    showcase = set(
        Person.objects.filter(region_code__startswith=_first_township_prefix()).values_list("pk", flat=True)
    )
    township_officer = Staff.objects.filter(username=f"t{_first_township_prefix()}").first() or actor
    statuses: dict[int, dict[str, object]] = {}
    by_household: dict[int, list[int]] = {}
    for pk, birth, sex, household in persons:
        age = rules.age_in_years(birth, today)
        retired = today >= rules.retirement_month(birth, rules.default_retirement_category(sex))
        values: dict[str, object] = {
            "labour_status": "",
            "employment_form": "",
            "employer_name": "",
            "unemployment_reason": "",
            "unemployed_since": None,
        }
        if retired:
            values["labour_status"] = "retired"
        elif age <= 22 and rng.random() < 0.6:
            values["labour_status"] = "student"
        elif rng.random() < 0.07:
            values.update(
                labour_status="unemployed",
                unemployment_reason=rng.choice(
                    ["dismissed", "contract_ended", "resigned", "returned", "graduated"]
                ),
                unemployed_since=today - dt.timedelta(days=rng.randint(20, 500)),
            )
        else:
            form = rng.choices([f for f, _ in EMPLOYED_FORMS], [w for _, w in EMPLOYED_FORMS])[0]
            values.update(
                labour_status="employed",
                employment_form=form,
                employer_name=rng.choice(EMPLOYERS) if form == "unit" else "",
            )
        statuses[pk] = values
        if household:
            by_household.setdefault(household, []).append(pk)
    # A few households where every member of working age is out of work (零就业家庭), three of them in the
    # showcase township.
    households = list(by_household.values())
    local = [members for members in households if members[0] in showcase]
    for members in [*local[1:4], *households[:: max(1, len(households) // 4)][:4]]:
        for pk in members:
            if statuses[pk]["labour_status"] == "employed":
                statuses[pk].update(
                    labour_status="unemployed",
                    employment_form="",
                    employer_name="",
                    unemployment_reason="dismissed",
                    unemployed_since=today - dt.timedelta(days=rng.randint(30, 200)),
                )
    survey_day = today - dt.timedelta(days=60)
    importing.statuses_set(
        actor=actor, statuses=statuses, source="演示采集", region_code=COUNTY, on=survey_day
    )
    people_by_pk = {p.pk: p for p in Person.objects.all()}
    for pk, values in statuses.items():
        birth = people_by_pk[pk].birth_month
        if values["labour_status"] != "unemployed":
            continue
        person = people_by_pk[pk]
        if rng.random() < 0.3:
            employment.facts_update(
                actor=actor,
                person=person,
                changes={rng.choice(["disabled", "low_income", "poverty_alleviated"]): True},
                on=survey_day,
            )
        if values["unemployment_reason"] == "returned":
            employment.facts_update(
                actor=actor,
                person=person,
                changes={"returned_home_on": values["unemployed_since"]},
                on=survey_day,
            )
        if person.sex == "M" and rng.random() < 0.1:
            employment.facts_update(
                actor=actor,
                person=person,
                changes={"veteran_discharged_on": dt.date(today.year - 2, 9, 1)},
                on=survey_day,
            )
        if rules.age_in_years(birth, today) <= 25 and rng.random() < 0.7:
            employment.facts_update(
                actor=actor,
                person=person,
                changes={"graduated_on": dt.date(today.year - 1, 6, 30)},
                on=survey_day,
            )
        if rng.random() < 0.8 and rules.age_in_years(birth, today) >= 17:
            # some long ago: their contacts are overdue (always a few in the showcase township)
            on = today - dt.timedelta(days=rng.randint(100, 150) if pk in showcase else rng.randint(0, 150))
            since = values["unemployed_since"]
            assert isinstance(since, dt.date)
            registration = employment.unemployment_register(
                actor=township_officer if pk in showcase else actor,  # the officer responsible for contacts
                person=person,
                basis=rng.choice(["residence", "hukou"]),
                reason=str(values["unemployment_reason"]),
                unemployed_since=min(since, on),
                on=on,
            )
            if rng.random() < 0.5 and pk not in showcase:
                employment.contact_record(
                    actor=actor,
                    registration=registration,
                    channel=rng.choice(["phone", "visit"]),
                    note="了解求职意向，推荐岗位",
                    on=min(registration.registered_on + dt.timedelta(days=rng.randint(5, 40)), today),
                )
    # Some found work this month.
    found = [p for p, v in statuses.items() if v["labour_status"] == "unemployed" and p not in showcase][::7]
    for pk in found[:8]:
        employment.employment_register(
            actor=actor,
            person=people_by_pk[pk],
            basis="residence",
            form=rng.choice(["unit", "flexible"]),
            employer_name="绥宁县竹木加工厂",
            on=today.replace(day=1),
        )
    employment.refresh_all(prefix=COUNTY[:6], on=today)


def _first_township_prefix() -> str:
    first = Region.objects.filter(parent_code=COUNTY, level=RegionLevel.TOWNSHIP).order_by("code").first()
    return first.code[:9] if first else COUNTY[:6]


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
