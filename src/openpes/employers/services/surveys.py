"""Demand surveys (用工需求调查): how many workers of which occupations an employer will need, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core.errors import DomainError, FieldError, NotFound
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_text
from openpes.employers.models import DemandLine, DemandSurvey, Employer
from openpes.employers.services.employers import may_change
from openpes.taxonomy.models import Occupation

MAX_HEADCOUNT = 100_000
MAX_LINES = 50


@dataclass(frozen=True)
class DemandLineInput:
    occupation_code: str
    headcount: int
    wanted_by: dt.date | None = None
    note: str = ""


def _clean_lines(lines: list[DemandLineInput], surveyed_on: dt.date) -> list[DemandLine]:
    errors: list[FieldError] = []
    if not lines:
        raise DomainError("lines", "请至少填写一行用工需求（职业和人数）")
    if len(lines) > MAX_LINES:
        raise DomainError("lines", f"一次调查最多填写{MAX_LINES}行")
    codes = {line.occupation_code.strip() for line in lines}
    known = dict(Occupation.objects.filter(code__in=codes).values_list("code", "replaced_by"))
    seen: set[str] = set()
    out: list[DemandLine] = []
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        code = line.occupation_code.strip()
        if not code:
            errors.append(FieldError(f"{prefix}.occupation_code", f"第{index + 1}行：请选择职业"))
        elif code not in known:
            errors.append(
                FieldError(
                    f"{prefix}.occupation_code",
                    f"第{index + 1}行：职业代码 {code} 不在职业分类大典（2022年版）中",
                )
            )
        elif known[code]:
            errors.append(
                FieldError(
                    f"{prefix}.occupation_code",
                    f"第{index + 1}行：职业代码 {code} 已停用，请改用 {known[code]}",
                )
            )
        elif code in seen:
            errors.append(FieldError(f"{prefix}.occupation_code", f"第{index + 1}行：同一职业请合并为一行"))
        seen.add(code)
        if not 1 <= line.headcount <= MAX_HEADCOUNT:
            errors.append(
                FieldError(f"{prefix}.headcount", f"第{index + 1}行：需求人数应在1到{MAX_HEADCOUNT}之间")
            )
        if line.wanted_by is not None and line.wanted_by < surveyed_on:
            errors.append(FieldError(f"{prefix}.wanted_by", f"第{index + 1}行：到岗日期不能早于调查日期"))
        try:
            note = clean_text(
                line.note, field=f"{prefix}.note", label=f"第{index + 1}行的要求", max_length=200
            )
        except DomainError as exc:
            errors.extend(exc.errors)
            note = ""
        out.append(
            DemandLine(occupation_code=code, headcount=line.headcount, wanted_by=line.wanted_by, note=note)
        )
    if errors:
        raise DomainError(errors)
    return out


def demand_survey_create(
    *,
    actor: Staff,
    employer: Employer,
    surveyed_on: dt.date,
    lines: list[DemandLineInput],
    note: str = "",
) -> DemandSurvey:
    """Record one survey of an employer: officers for any employer of their jurisdiction, a specialist for
    the employers they serve."""
    if not covers(actor.jurisdiction_prefix, employer.region_code):
        raise NotFound
    if not actor.has_perm("employers.add_demandsurvey") or not may_change(actor, employer):
        raise PermissionDenied
    errors: list[FieldError] = []
    if surveyed_on > timezone.localdate():
        errors.append(FieldError("surveyed_on", "调查日期不能晚于今天"))
    try:
        note = clean_text(note, field="note", label="备注", max_length=200)
    except DomainError as exc:
        errors.extend(exc.errors)
    try:
        rows = _clean_lines(lines, surveyed_on)
    except DomainError as exc:
        errors.extend(exc.errors)
    if errors:
        raise DomainError(errors)
    survey = DemandSurvey(employer=employer, surveyed_on=surveyed_on, note=note, created_by=actor)
    with transaction.atomic():
        survey.save()
        for row in rows:
            row.survey = survey
        DemandLine.objects.bulk_create(rows)
        audit.record_change(
            actor=actor,
            action="create",
            target=survey,
            region_code=employer.region_code,
            changes={
                "employer": employer.pk,
                "surveyed_on": surveyed_on.isoformat(),
                "lines": [
                    [r.occupation_code, r.headcount, r.wanted_by.isoformat() if r.wanted_by else ""]
                    for r in rows
                ],
            },
            summary=f"用工需求调查 {employer.name}：{sum(r.headcount for r in rows)} 人",
        )
    return survey
