"""Factories that build valid data through the services, so tests exercise the same rules as users."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from openpes.core.identifiers import check_digit
from openpes.people.services import PersonInput

_sequence = itertools.count(1)


def make_id_number(
    *, division: str = "430527", born: dt.date = dt.date(1990, 5, 17), sex: str = "M", seq: int | None = None
) -> str:
    """A valid 18-digit ID number; `seq` varies the sequence digits so that numbers stay unique."""
    n = next(_sequence) if seq is None else seq
    order = n % 100
    sex_digit = (n // 100 % 5) * 2 + (1 if sex == "M" else 0)
    birth = born + dt.timedelta(days=n // 500)
    first17 = f"{division}{birth:%Y%m%d}{order:02d}{sex_digit}"
    return first17 + check_digit(first17)


class PersonInputFactory(factory.Factory):
    class Meta:
        model = PersonInput

    name = factory.Iterator(["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇"])
    id_number = factory.LazyFunction(make_id_number)
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    region_code = ""
    address = "长铺镇1组1号"
    education = "20"
    ethnicity = "01"  # 汉族
