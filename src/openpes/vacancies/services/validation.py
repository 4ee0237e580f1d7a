"""What every write path checks of a vacancy's raw fields, and of a staff correction of a normalised field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from openpes.core.errors import DomainError, FieldError
from openpes.core.text import clean_text
from openpes.people.models import Education
from openpes.regions.models import Region
from openpes.taxonomy.models import Occupation
from openpes.vacancies.choices import PayPeriod, WorkType

# (label, longest) of the raw fields, as the form and the API name them.
RAW_FIELDS: dict[str, tuple[str, int]] = {
    "title": ("职位名称", 100),
    "pay_text": ("薪资待遇", 100),
    "place_text": ("工作地点", 200),
    "education_text": ("学历要求", 50),
    "experience_text": ("经验要求", 50),
    "description": ("职位描述", 5000),
    "industry_text": ("行业", 100),
    "contact_text": ("联系方式", 200),
}
VACANCY_FIELDS = (*RAW_FIELDS, "headcount", "valid_until")
MAX_HEADCOUNT = 100_000
DEFAULT_VALIDITY_DAYS = 60
MAX_VALIDITY_DAYS = 365


@dataclass
class VacancyInput:
    """What a clerk, an employer or the API gives for a vacancy; validated all at once."""

    title: str = ""
    pay_text: str = ""
    place_text: str = ""
    education_text: str = ""
    experience_text: str = ""
    description: str = ""
    industry_text: str = ""
    contact_text: str = ""
    headcount: int | None = None
    valid_until: dt.date | None = None


def clean_vacancy(data: VacancyInput, *, fields: set[str] | None = None) -> dict[str, Any]:
    """The given fields (all of them without `fields`), cleaned; every problem is reported together."""
    wanted = set(VACANCY_FIELDS) if fields is None else fields
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for name, (label, longest) in RAW_FIELDS.items():
        if name in wanted:
            try:
                values[name] = clean_text(
                    getattr(data, name), field=name, label=label, max_length=longest, required=name == "title"
                )
            except DomainError as exc:
                errors.extend(exc.errors)
    if "headcount" in wanted:
        if data.headcount is not None and not 1 <= data.headcount <= MAX_HEADCOUNT:
            errors.append(FieldError("headcount", f"招聘人数应在1到{MAX_HEADCOUNT}之间"))
        values["headcount"] = data.headcount
    if "valid_until" in wanted:
        today = timezone.localdate()
        until = data.valid_until or today + dt.timedelta(days=DEFAULT_VALIDITY_DAYS)
        if until < today:
            errors.append(FieldError("valid_until", "有效期不能早于今天"))
        elif until > today + dt.timedelta(days=MAX_VALIDITY_DAYS):
            errors.append(FieldError("valid_until", f"有效期最长{MAX_VALIDITY_DAYS}天，到期后可重新发布"))
        values["valid_until"] = until
    if errors:
        raise DomainError(errors)
    return values


# --- corrections ------------------------------------------------------------------------------------------

# The raw fields each correctable field is read from: a correction is re-applied on later normalisations
# while these stay as they were when it was made.
CORRECTABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "occupation_code": ("职业", ("title", "description", "industry_text")),
    "pay_min": ("月薪下限", ("pay_text",)),
    "pay_max": ("月薪上限", ("pay_text",)),
    "pay_period": ("计薪方式", ("pay_text",)),
    "pay_months": ("年薪月数", ("pay_text",)),
    "pay_negotiable": ("薪资面议", ("pay_text",)),
    "region_code": ("工作地点", ("place_text",)),
    "education_min": ("最低学历", ("education_text",)),
    "experience_min_years": ("最低工作年限", ("experience_text",)),
    "work_type": ("工作类型", ("title", "description", "pay_text", "experience_text")),
}
MAX_PAY = 1_000_000


def source_text(vacancy: Any, field: str) -> str:
    return "\n".join(getattr(vacancy, name) or "" for name in CORRECTABLE[field][1])


def _integer(field: str, label: str, text: str, low: int, high: int) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise DomainError(field, f"{label}应为{low}到{high}之间的整数")
    return int(text)


def clean_correction(field: str, value: str) -> dict[str, Any]:
    """The model fields a correction of `field` to `value` (as written on the form) sets."""
    if field not in CORRECTABLE:
        raise DomainError("field", "该字段不能更正")
    label = CORRECTABLE[field][0]
    text = (value or "").strip()
    if field == "occupation_code":
        occupation = Occupation.objects.filter(code=text, replaced_by="").first() if text else None
        if occupation is None:
            raise DomainError("value", "请填写职业分类大典（2022年版）中的职业代码，如 4-03-02-01")
        return {"occupation_code": text, "occupation_name": occupation.name}
    if field in ("pay_min", "pay_max"):
        return {field: _integer("value", label, text, 0, MAX_PAY)}
    if field == "pay_months":
        return {field: _integer("value", label, text, 12, 24)}
    if field == "experience_min_years":
        return {field: _integer("value", label, text, 0, 50)}
    if field == "pay_negotiable":
        if text not in ("0", "1"):
            raise DomainError("value", "薪资面议填1（是）或0（否）")
        return {field: text == "1"}
    choices: dict[str, list[str]] = {
        "pay_period": list(PayPeriod.values),
        "education_min": list(Education.values),
        "work_type": list(WorkType.values),
    }
    if field in choices:
        if text and text not in choices[field]:
            raise DomainError("value", f"{label}只能是：{'、'.join(choices[field])}")
        return {field: text}
    # region_code
    region = Region.objects.filter(code=text, retired=False).first() if text else None
    if text and region is None:
        raise DomainError("value", "请填写12位的统计用区划代码（本系统区划表中的）")
    return {"place_code": text, "place_name": region.name if region else ""}
