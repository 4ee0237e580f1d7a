"""The public job search (/jobs/): anyone, signed in or not, finds the published vacancies still valid,
with filters, sorting and pages, and reads each one with its schema.org JobPosting (JSON-LD). On
portal/base.html, mobile-first, without staff navigation; never shows drafts, vacancies under review or
anything about people."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from openpes.employers.portal import portal_page
from openpes.people.models import Education
from openpes.regions.selectors import full_name, region_path
from openpes.vacancies import presenters, selectors
from openpes.vacancies.forms import JobSearchForm

PAGE_SIZE = 20
MAX_PAGE = 500


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) >= 1 else 1


@portal_page
def job_search(request: HttpRequest) -> HttpResponse:
    form = JobSearchForm(request.GET or None)
    vacancies, page = selectors.search_vacancies(form.query(page=_page_number(request), page_size=PAGE_SIZE))
    for vacancy in vacancies:
        vacancy.pay_shown = presenters.pay_shown(vacancy)  # type: ignore[attr-defined]
        vacancy.place_shown = full_name(vacancy.region_code)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "vacancies": vacancies, "page": page, "query": query.urlencode()}
    return render(request, "vacancies/public/job_search.html", context)


@portal_page
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = selectors.public_vacancy_get(pk)
    if vacancy is None:
        raise Http404("该岗位不存在、已撤回或已过期")
    place_path = [region.name for region in region_path(vacancy.region_code)]
    posting = presenters.job_posting_ld(vacancy, place_path)
    # "</" cannot close the script element early, whatever the employer wrote.
    posting_json = json.dumps(posting, ensure_ascii=False).replace("</", "<\\/")
    context = {
        "vacancy": vacancy,
        "pay_shown": presenters.pay_shown(vacancy),
        "place_shown": "".join(place_path[1:]) or vacancy.place_text,
        "education_shown": Education(vacancy.education_min).label if vacancy.education_min else "不限",
        "posting_json": mark_safe(posting_json),  # noqa: S308  (JSON, with "</" escaped above)
    }
    return render(request, "vacancies/public/job_detail.html", context)
