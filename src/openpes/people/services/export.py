"""Persons leaving the system as an Excel workbook: masked, and logged."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core import exports
from openpes.core.jurisdiction import ScopedQuerySet
from openpes.people.models import Person
from openpes.regions.selectors import region_names, villages_within

EXPORT_COLUMNS = (
    ("姓名", 10),
    ("性别", 6),
    ("年龄", 6),
    ("身份证号码", 22),
    ("联系电话", 14),
    ("所在村（社区）", 16),
    ("住址", 28),
    ("文化程度", 14),
    ("民族", 8),
    ("政治面貌", 12),
    ("家庭编号", 10),
    ("登记时间", 18),
)


def persons_export(*, actor: Staff, persons: ScopedQuerySet[Person], description: str) -> exports.Workbook:
    """The given persons (a list the actor was shown: `selectors.person_list`) as a workbook, ID numbers and
    phones masked, and an access-log row saying who took how many and with which filter."""
    names = dict(villages_within(actor).values_list("code", "name"))

    def rows() -> Iterable[list[object]]:
        for person in persons.within(actor).iterator(chunk_size=2000):
            if person.region_code not in names:  # a village retired since the person was registered
                names.update(region_names({person.region_code}))
            yield [
                person.name,
                person.get_sex_display(),
                person.age,
                person.id_number_masked,
                person.phone_masked,
                names.get(person.region_code, person.region_code),
                person.address,
                person.get_education_display(),
                person.get_ethnicity_display(),
                person.get_political_status_display(),
                person.household_id or "",
                f"{timezone.localtime(person.created_at):%Y-%m-%d %H:%M}",
            ]

    workbook = exports.build_workbook(sheet="劳动者", columns=EXPORT_COLUMNS, rows=rows())
    audit.record_export(
        actor=actor,
        model=Person,
        rows=workbook.rows,
        description=description,
        region_code=actor.jurisdiction_id,
    )
    return workbook
