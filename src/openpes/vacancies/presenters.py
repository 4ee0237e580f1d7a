"""What the vacancy pages show beside the stored fields: labels of the codes and the flags in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from openpes.people.models import Education
from openpes.vacancies import rules
from openpes.vacancies.choices import PayPeriod, WorkType
from openpes.vacancies.models import Vacancy
from openpes.vacancies.normalise.posting import FLAG_LABELS

OFFICE = "公共就业服务机构"


def pay_shown(vacancy: Vacancy) -> str:
    """The parsed pay in one phrase: "4,500–6,000 元/月", "面议", "计件"."""
    if vacancy.pay_min is None and vacancy.pay_max is None:
        if vacancy.pay_negotiable:
            return "面议"
        return PayPeriod(vacancy.pay_period).label if vacancy.pay_period else "—"
    if vacancy.pay_min is not None and vacancy.pay_max is not None and vacancy.pay_min != vacancy.pay_max:
        figures = f"{vacancy.pay_min:,}–{vacancy.pay_max:,}"
    elif vacancy.pay_min is not None and vacancy.pay_max is None:
        figures = f"{vacancy.pay_min:,} 以上"
    elif vacancy.pay_min is None:
        figures = f"{vacancy.pay_max:,} 以下"
    else:
        figures = f"{vacancy.pay_min:,}"
    months = f"，{vacancy.pay_months}薪" if vacancy.pay_months else ""
    return f"{figures} 元/月{months}"


def normalised_rows(vacancy: Vacancy) -> list[dict[str, Any]]:
    """The normalised fields beside the raw text they were read from, for the detail page."""
    education = dict(Education.choices).get(vacancy.education_min, "") if vacancy.education_min else ""
    candidates = "、".join(vacancy.occupation_candidates or [])
    occupation = f"{vacancy.occupation_name}（{vacancy.occupation_code}）" if vacancy.occupation_code else "—"
    if vacancy.occupation_confidence is not None:
        occupation += f"，把握 {vacancy.occupation_confidence:.2f}"
    return [
        {
            "label": "职业",
            "raw": vacancy.title,
            "value": occupation,
            "more": f"候选：{candidates}" if candidates else "",
        },
        {
            "label": "薪资",
            "raw": vacancy.pay_text,
            "value": pay_shown(vacancy),
            "more": PayPeriod(vacancy.pay_period).label if vacancy.pay_period else "",
        },
        {
            "label": "工作地点",
            "raw": vacancy.place_text,
            "value": vacancy.place_name or "—",
            "more": vacancy.place_code,
        },
        {"label": "学历", "raw": vacancy.education_text, "value": education or "不限", "more": ""},
        {
            "label": "经验",
            "raw": vacancy.experience_text,
            "value": f"{vacancy.experience_min_years}年以上" if vacancy.experience_min_years else "不限",
            "more": "",
        },
        {"label": "工作类型", "raw": "", "value": vacancy.get_work_type_display() or "—", "more": ""},
    ]


def reason_lines(vacancy: Vacancy) -> list[str]:
    """The normaliser's reasons, one line per field ("职业：…。", "薪资：…。")."""
    return [line + "。" for line in vacancy.reasons.split("。") if line.strip()]


def flag_labels(vacancy: Vacancy) -> list[str]:
    return [FLAG_LABELS.get(flag, flag) for flag in vacancy.flags]


def cleared_line(cleared: Mapping[str, Any], *, for_employer: bool = False) -> str:
    """ "已由 张三 于 2026-11-29 22:30 核实排除：理由" (staff), or with the office for the reviewer's name
    (the employer's pages: the clearance is the office's act, and the clerk's name is theirs to keep)."""
    at = dt.datetime.fromisoformat(str(cleared.get("at")))
    when = (
        timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
        if timezone.is_aware(at)
        else at.strftime("%Y-%m-%d %H:%M")
    )
    who = OFFICE if for_employer else (cleared.get("by") or "（已删除的账号）")
    return f"已由 {who} 于 {when} 核实排除：{cleared.get('reason', '')}"


def cleared_lines(vacancy: Vacancy) -> list[str]:
    """The cleared blocking flags of a vacancy, one line each with the matched text, for the review queue."""
    return [
        f"“{flag.get('text')}”{cleared_line(flag['cleared'])}"
        for flag in vacancy.screening_flags
        if flag.get("cleared")
    ]


def screening_messages(vacancy: Vacancy, *, for_employer: bool = False) -> list[dict[str, Any]]:
    """Each screening flag as the pages show it: severity in words, what was found, why, and the law; a
    blocking flag a reviewer cleared says so, and by whom on the staff pages."""
    shown = []
    for flag in vacancy.screening_flags:
        laws = flag.get("laws") or []
        by_law: dict[str, list[str]] = {}
        for article in laws:
            by_law.setdefault(article["law"], []).append(article["article"])
        cleared = flag.get("cleared")
        shown.append(
            {
                "ref": rules.flag_ref(flag),
                "blocking": flag.get("severity") == "block" and not cleared,
                "cleared": cleared_line(cleared, for_employer=for_employer) if cleared else "",
                "severity": ("已核实排除" if cleared else "须修改")
                if flag.get("severity") == "block"
                else "需核实",
                "kind": "就业歧视" if flag.get("kind") == "discrimination" else "虚假招聘风险",
                "text": flag.get("text") or "",
                "explanation": flag.get("explanation") or "",
                "law": "；".join(f"《{law}》{'、'.join(articles)}" for law, articles in by_law.items()),
                "exception": flag.get("exception") or "",
            }
        )
    return shown


EMPLOYMENT_TYPES = {
    WorkType.FULL_TIME: "FULL_TIME",
    WorkType.PART_TIME: "PART_TIME",
    WorkType.GIG: "TEMPORARY",
    WorkType.INTERNSHIP: "INTERN",
}


def job_posting_ld(vacancy: Vacancy, place_path: list[str]) -> dict[str, Any]:
    """schema.org JobPosting of a public vacancy (for search engines and job boards): the posting and the
    employer's name only, never the contact person or anything about applicants. `place_path` names the
    work place's regions from the province down (regions.selectors.region_path)."""
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "CN"}
    if place_path:
        address["addressRegion"] = place_path[0]
        address["addressLocality"] = "".join(place_path[1:]) or place_path[0]
    posting: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": vacancy.description or vacancy.title,
        "datePosted": (vacancy.published_at or vacancy.created_at).date().isoformat(),
        "validThrough": vacancy.valid_until.isoformat(),
        "hiringOrganization": {"@type": "Organization", "name": vacancy.employer.name},
        "jobLocation": {"@type": "Place", "address": address},
    }
    if vacancy.work_type in EMPLOYMENT_TYPES:
        posting["employmentType"] = EMPLOYMENT_TYPES[WorkType(vacancy.work_type)]
    if vacancy.pay_min is not None or vacancy.pay_max is not None:
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": "MONTH"}
        if vacancy.pay_min is not None:
            value["minValue"] = vacancy.pay_min
        if vacancy.pay_max is not None:
            value["maxValue"] = vacancy.pay_max
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": "CNY", "value": value}
    if vacancy.occupation_code:
        posting["occupationalCategory"] = f"{vacancy.occupation_code} {vacancy.occupation_name}".strip()
    if vacancy.headcount:
        posting["totalJobOpenings"] = vacancy.headcount
    if vacancy.education_min:
        posting["educationRequirements"] = Education(vacancy.education_min).label
    return posting
