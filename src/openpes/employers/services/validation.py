"""What every write path checks of an employer: the credit code, the fields, the place and jurisdiction,
duplicates; and the encrypted, indexed and masked columns of the contact phone."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from openpes.accounts.models import Staff
from openpes.core.crypto import provider
from openpes.core.errors import DomainError, FieldError
from openpes.core.identifiers import CreditCode, Phone, parse_phone, parse_uscc
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_text
from openpes.employers.models import CONTACT_PHONE_CONTEXT, Employer, EmployerSize
from openpes.regions.models import Region
from openpes.taxonomy.models import Industry

EMPLOYER_FIELDS = (
    "uscc",
    "name",
    "industry_code",
    "size",
    "address",
    "region_code",
    "contact_name",
    "contact_phone",
)


@dataclass
class EmployerInput:
    """What a clerk (or the API) gives for an employer; validated all at once so that every problem on a
    form is reported together."""

    uscc: str = ""
    name: str = ""
    industry_code: str = ""
    size: str = ""
    address: str = ""
    region_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass
class CleanEmployer:
    values: dict[str, Any] = field(default_factory=dict)
    phone: Phone | None = None


def contact_phone_index(phone: str) -> str:
    return provider().blind_index(phone, context=CONTACT_PHONE_CONTEXT)


def clean_name(value: str) -> str:
    return clean_text(value, field="name", label="单位名称", max_length=100, required=True)


def _attempt(errors: list[FieldError], fn: Any) -> Any:
    try:
        return fn()
    except DomainError as exc:
        errors.extend(exc.errors)
        return None


def industry_problem(code: str) -> FieldError | None:
    if code and not Industry.objects.filter(code=code).exists():
        return FieldError("industry_code", f"行业代码 {code} 不在《国民经济行业分类》（GB/T 4754-2017）中")
    return None


def place_problem(actor: Staff, code: str) -> FieldError | None:
    if not code:
        return FieldError("region_code", "请选择单位所在地")
    region = Region.objects.filter(code=code).values_list("retired", flat=True).first()
    if region is None or not covers(actor.jurisdiction_prefix, code):
        return FieldError("region_code", "所选所在地不存在或不在您的辖区内")
    if region:
        return FieldError("region_code", "所选所在地已撤销，请选择合并后的区划")
    return None


@functools.cache
def _sizes() -> frozenset[str]:
    return frozenset(EmployerSize.values)


def clean_employer(actor: Staff, data: EmployerInput, *, partial: set[str] | None = None) -> CleanEmployer:
    """Validate the fields named in `partial` (all when None); raise DomainError listing every problem."""
    wanted = set(EMPLOYER_FIELDS) if partial is None else partial
    errors: list[FieldError] = []
    out = CleanEmployer()
    if "uscc" in wanted:
        code: CreditCode | None = _attempt(errors, lambda: parse_uscc(data.uscc))
        out.values["uscc"] = code.value if code else ""
    if "name" in wanted:
        out.values["name"] = _attempt(errors, lambda: clean_name(data.name))
    if "industry_code" in wanted:
        code_text = data.industry_code.strip().upper()
        problem = industry_problem(code_text)
        if problem:
            errors.append(problem)
        out.values["industry_code"] = code_text
    if "size" in wanted:
        if data.size and data.size not in _sizes():
            errors.append(FieldError("size", "企业规模的取值无效"))
        out.values["size"] = data.size
    if "address" in wanted:
        out.values["address"] = _attempt(
            errors, lambda: clean_text(data.address, field="address", label="地址", max_length=200)
        )
    if "region_code" in wanted:
        problem = place_problem(actor, data.region_code)
        if problem:
            errors.append(problem)
        out.values["region_code"] = data.region_code
    if "contact_name" in wanted:
        out.values["contact_name"] = _attempt(
            errors,
            lambda: clean_text(data.contact_name, field="contact_name", label="联系人", max_length=30),
        )
    if "contact_phone" in wanted and data.contact_phone.strip():
        out.phone = _attempt(errors, lambda: parse_phone(data.contact_phone, field="contact_phone"))
    if errors:
        raise DomainError(errors)
    return out


def duplicate_error(actor: Staff, uscc: str, exclude_pk: int | None = None) -> FieldError | None:
    """The problem of registering a credit code another employer has. Inside the jurisdiction it names and
    links the record; outside it says nothing of who or where."""
    matches = Employer.objects.filter(uscc=uscc)
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    existing = matches.only("pk", "name", "region_code").first()
    if existing is None:
        return None
    if covers(actor.jurisdiction_prefix, existing.region_code):
        return FieldError(
            "uscc",
            f"该统一社会信用代码已登记：{existing.name}（编号 {existing.pk}），请打开已有记录修改",
            existing_id=existing.pk,
        )
    return FieldError(
        "uscc", "该统一社会信用代码已在其他辖区登记，无法重复登记；如单位已迁入，请联系县级经办机构"
    )


def apply_contact_phone(employer: Employer, phone: Phone | None) -> str:
    """Set (or with None clear) the phone columns; return what the audit log may say: the mask."""
    if phone is None:
        employer.contact_phone_encrypted = employer.contact_phone_index = employer.contact_phone_masked = ""
    else:
        crypto = provider()
        employer.contact_phone_encrypted = crypto.encrypt(phone.value, context=CONTACT_PHONE_CONTEXT)
        employer.contact_phone_index = crypto.blind_index(phone.value, context=CONTACT_PHONE_CONTEXT)
        employer.contact_phone_masked = phone.masked
    return employer.contact_phone_masked
