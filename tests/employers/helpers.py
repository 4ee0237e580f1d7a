"""Test helpers for employers: valid credit codes made by the standard's rule, the few classification rows
the tests name, and an employer registered through the service as a clerk would."""

from __future__ import annotations

import itertools
from typing import Any

from openpes.accounts.models import Staff
from openpes.core.identifiers import uscc_check_digit
from openpes.employers import services
from openpes.employers.models import Employer
from openpes.taxonomy.models import Industry, Occupation

_serials = itertools.count(1)
COOK = "4-03-02-01"
WELDER = "6-18-02-04"


def make_uscc(division: str = "430527", prefix: str = "91") -> str:
    first17 = f"{prefix}{division}MA{next(_serials):07d}"
    return first17 + uscc_check_digit(first17)


def load_some_taxonomy() -> None:
    Industry.objects.get_or_create(code="C", defaults={"name": "制造业", "level": "section"})
    Industry.objects.get_or_create(
        code="18", defaults={"name": "纺织服装、服饰业", "level": "division", "parent_code": "C"}
    )
    for code, name in ((COOK, "中式烹调师"), (WELDER, "焊工")):
        Occupation.objects.get_or_create(code=code, defaults={"name": name, "level": "unit"})


def make_employer(actor: Staff, region: str, **fields: Any) -> Employer:
    data = {
        "uscc": make_uscc(),
        "name": f"绥宁测试企业{next(_serials)}有限公司",
        "region_code": region,
        "contact_name": "王经理",
        "contact_phone": "13807391234",
        **fields,
    }
    return services.employer_create(actor=actor, data=services.EmployerInput(**data))
