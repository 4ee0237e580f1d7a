"""Vacancy pages for staff: list (review queue first), the review queue, detail with the raw text beside
the normalised fields and the screening flags, entry, edit, corrections, review, withdrawal.
Form in → service/selector → template out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openpes.accounts.models import Staff
from openpes.core.errors import DomainError, NotFound
from openpes.core.exports import Workbook, xlsx_response
from openpes.core.uploads import ImportStatus
from openpes.core.views import list_response, paginate, posted, search_data, staff_page
from openpes.employers import rules as employer_rules
from openpes.vacancies import files, presenters, rules, selectors, services
from openpes.vacancies.forms import (
    ClearanceForm,
    CorrectionForm,
    DismissForm,
    MergeForm,
    ReasonForm,
    ReviewForm,
    VacancyFileForm,
    VacancyFileRunForm,
    VacancyFilterForm,
    VacancyForm,
)
from openpes.vacancies.models import DuplicateCandidate, Vacancy, VacancyFileImport
from openpes.vacancies.selectors import VacancyFilters
from openpes.vacancies.services import file_import

VIEW = "vacancies.view_vacancy"


def _actor(request: HttpRequest) -> Staff:
    return request.user  # type: ignore[return-value]


def _vacancy_or_404(request: HttpRequest, pk: int) -> Vacancy:
    vacancy = selectors.vacancy_get(actor=_actor(request), pk=pk)
    if vacancy is None:
        raise Http404
    return vacancy


def _list(request: HttpRequest, *, queue: bool) -> HttpResponse:
    actor = _actor(request)
    form = VacancyFilterForm(search_data(request), actor=actor)
    filters = form.filters()
    rows = (
        selectors.review_queue(actor=actor) if queue else selectors.vacancy_list(actor=actor, filters=filters)
    )
    page = paginate(request, rows)
    for vacancy in page.object_list:
        vacancy.pay_shown = presenters.pay_shown(vacancy)
        vacancy.cleared_lines = presenters.cleared_lines(vacancy)
    context = {
        "form": form,
        "page": page,
        "queue": queue,
        "filtered": filters != VacancyFilters(),
        "waiting": selectors.queue_count(actor=actor),
    }
    return list_response(
        request,
        page="vacancies/vacancy_list.html",
        results="vacancies/_vacancy_results.html",
        context=context,
        shown=form.shown,
    )


@staff_page(VIEW)
def vacancy_list(request: HttpRequest) -> HttpResponse:
    return _list(request, queue=False)


@staff_page(VIEW)
def review_queue(request: HttpRequest) -> HttpResponse:
    return _list(request, queue=True)


def _clearable_flags(vacancy: Vacancy) -> list[tuple[str, str]]:
    """The blocking flags a reviewer may clear, as choices: reference, and the matched text with its rule."""
    return [
        (rules.flag_ref(flag), f"“{flag.get('text')}”（{flag.get('code')}）")
        for flag in rules.blocking_flags(vacancy.screening_flags)
    ]


def _detail_context(request: HttpRequest, vacancy: Vacancy, **forms: Any) -> dict[str, Any]:
    actor = _actor(request)
    clearable = _clearable_flags(vacancy) if vacancy.status in rules.CLEARABLE else []
    may_clear = bool(clearable) and actor.has_perm(services.REVIEW)
    return {
        "vacancy": vacancy,
        "rows": presenters.normalised_rows(vacancy),
        "reasons": presenters.reason_lines(vacancy),
        "flags": presenters.flag_labels(vacancy),
        "screening": presenters.screening_messages(vacancy),
        "corrections": list(selectors.corrections_of(vacancy)[:20]),
        "may_change": services.may_change(actor, vacancy.employer),
        "may_review": actor.has_perm(services.REVIEW),
        "submittable": vacancy.status in rules.SUBMITTABLE,
        "editable": rules.change_refusal(vacancy.status) is None,
        "publish_refusal": services.publish_refusal(vacancy),
        "employer_refusal": employer_rules.publish_refusal(vacancy.employer),
        "review_form": forms.get("review_form") or ReviewForm(),
        "correction_form": forms.get("correction_form") or CorrectionForm(),
        "withdraw_form": forms.get("withdraw_form") or ReasonForm(),
        "merge_error": forms.get("merge_error", ""),
        "sources": list(selectors.sources_of(vacancy)),
        "duplicates": selectors.duplicates_of(actor=actor, vacancy=vacancy),
        "reposted_as": list(selectors.reposted_as(actor=actor, vacancy=vacancy)[:10]),
        "may_decide": services.may_decide(actor, vacancy),
        "clearances": list(selectors.clearances_of(vacancy)[:20]),
        "may_clear": may_clear,
        "clear_refusal": services.clearance_separation_refusal(actor, vacancy) if may_clear else None,
        "clear_form": forms.get("clear_form") or ClearanceForm(flags=clearable),
    }


@staff_page(VIEW)
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy_or_404(request, pk)
    return render(request, "vacancies/vacancy_detail.html", _detail_context(request, vacancy))


@staff_page(VIEW, services.ADD)
def vacancy_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    employers = list(selectors.employers_for_posting(actor=actor).values_list("pk", "name"))
    form = VacancyForm(posted(request), employers=employers)
    if request.method == "POST" and form.is_valid():
        employer = (
            selectors.employers_for_posting(actor=actor).filter(pk=form.cleaned_data["employer"]).first()
        )
        try:
            intake = services.vacancy_intake(actor=actor, employer=employer, data=form.to_input())
        except NotFound:
            form.add_error("employer", "所选单位不存在或不在您的辖区内")
        except PermissionDenied:
            form.add_error("employer", "您只能为自己服务的单位登记岗位")
        except DomainError as exc:
            form.attach(exc)
        else:
            vacancy = intake.vacancy
            if intake.merged:
                messages.info(request, f"{intake.message}（原岗位{vacancy.get_status_display()}）。")
            else:
                messages.success(request, f"已登记岗位 {vacancy.title}（草稿），请核对识别结果后提交审核。")
                if intake.message:
                    messages.warning(request, f"{intake.message}。")
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    return render(request, "vacancies/vacancy_form.html", {"form": form})


@staff_page(VIEW)
def vacancy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    vacancy = _vacancy_or_404(request, pk)
    if not services.may_change(actor, vacancy.employer):
        raise PermissionDenied
    form = VacancyForm(posted(request), vacancy=vacancy)
    if request.method == "POST" and form.is_valid():
        try:
            services.vacancy_update(actor=actor, vacancy=vacancy, data=form.to_input())
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"已保存岗位 {vacancy.title}（{vacancy.get_status_display()}）。")
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    return render(request, "vacancies/vacancy_form.html", {"form": form, "vacancy": vacancy})


def _post_action(
    request: HttpRequest, pk: int, form_name: str, form: Any, act: Any, done: str
) -> HttpResponse:
    vacancy = _vacancy_or_404(request, pk)
    if form.is_valid():
        try:
            act(vacancy, form.cleaned_data)
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, done.format(title=vacancy.title, status=vacancy.get_status_display()))
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    context = _detail_context(request, vacancy, **{form_name: form})
    return render(request, "vacancies/vacancy_detail.html", context, status=422)


@staff_page(VIEW)
@require_POST
def vacancy_submit(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy_or_404(request, pk)
    try:
        services.vacancy_submit(actor=_actor(request), vacancy=vacancy)
    except DomainError as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(request, f"岗位 {vacancy.title} 已提交审核。")
    return redirect("vacancies:vacancy_detail", pk=vacancy.pk)


@staff_page(VIEW, services.REVIEW)
@require_POST
def vacancy_review(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    return _post_action(
        request,
        pk,
        "review_form",
        ReviewForm(request.POST),
        lambda vacancy, data: services.vacancy_review(
            actor=actor, vacancy=vacancy, approve=data["decision"] == "approve", reason=data["reason"]
        ),
        "岗位 {title}：{status}。",
    )


@staff_page(VIEW)
@require_POST
def vacancy_correct(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    return _post_action(
        request,
        pk,
        "correction_form",
        CorrectionForm(request.POST),
        lambda vacancy, data: services.vacancy_correct(
            actor=actor, vacancy=vacancy, field=data["field"], value=data["value"], note=data["note"]
        ),
        "已更正岗位 {title} 的识别结果。",
    )


@staff_page(VIEW)
@require_POST
def vacancy_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    return _post_action(
        request,
        pk,
        "withdraw_form",
        ReasonForm(request.POST),
        lambda vacancy, data: services.vacancy_withdraw(actor=actor, vacancy=vacancy, reason=data["reason"]),
        "岗位 {title} 已撤回。",
    )


@staff_page(VIEW)
@require_POST
def vacancy_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the vacancy shown and another of its employer; the one not kept is withdrawn."""
    actor = _actor(request)
    vacancy = _vacancy_or_404(request, pk)
    form = MergeForm(request.POST)
    error = "请从疑似重复列表中选择要合并的岗位"
    if form.is_valid():
        other = selectors.vacancy_get(actor=actor, pk=form.cleaned_data["other"])
        if other is None:
            raise Http404
        keep, duplicate = (vacancy, other) if form.cleaned_data["keep"] == "this" else (other, vacancy)
        try:
            services.vacancy_merge(
                actor=actor, keep=keep, duplicate=duplicate, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            error = exc.errors[0].message
        else:
            messages.success(request, f"已将岗位#{duplicate.pk}合并到岗位#{keep.pk}，#{duplicate.pk}已撤回。")
            return redirect("vacancies:vacancy_detail", pk=keep.pk)
    context = _detail_context(request, vacancy, merge_error=error)
    return render(request, "vacancies/vacancy_detail.html", context, status=422)


@staff_page(VIEW)
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    """Not a duplicate: the suggestion is kept as dismissed."""
    actor = _actor(request)
    vacancy = _vacancy_or_404(request, pk)
    candidate = (
        DuplicateCandidate.objects.filter(Q(vacancy=vacancy) | Q(other=vacancy), pk=candidate_id)
        .select_related("vacancy__employer", "other__employer")
        .first()
    )
    if candidate is None:
        raise Http404
    form = DismissForm(request.POST)
    error = "说明不能超过200个字"
    if form.is_valid():
        try:
            services.duplicate_dismiss(actor=actor, candidate=candidate, note=form.cleaned_data["note"])
        except (DomainError, NotFound) as exc:
            if isinstance(exc, NotFound):
                raise Http404 from exc
            error = exc.errors[0].message
        else:
            messages.success(request, "已确认不是重复岗位，不再提示。")
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    context = _detail_context(request, vacancy, merge_error=error)
    return render(request, "vacancies/vacancy_detail.html", context, status=422)


# ------------------------------------------------------------------------------------------ vacancy files

FILE_IMPORT = (VIEW, services.ADD)


def _file_import_or_404(request: HttpRequest, pk: int) -> VacancyFileImport:
    record = selectors.vacancy_file_import_get(actor=_actor(request), pk=pk)
    if record is None:
        raise Http404
    return record


@staff_page(*FILE_IMPORT)
def file_upload(request: HttpRequest) -> HttpResponse:
    """Upload a vacancy file (an office's list, a job fair's table): it is read and checked, nothing is
    imported yet."""
    actor = _actor(request)
    form = VacancyFileForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = file_import.vacancy_file_check(
                actor=actor, filename=upload.name, content=upload.read(), mode=form.cleaned_data["mode"]
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            return redirect("vacancies:file_detail", pk=record.pk)
    recent = list(selectors.vacancy_file_imports(actor=actor)[:20])
    context = {"form": form, "recent": recent, "columns": files.COLUMNS, "max_rows": file_import.MAX_ROWS}
    return render(request, "vacancies/file_upload.html", context)


@staff_page(*FILE_IMPORT)
def file_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(Workbook(files.vacancy_template(), 0), "招聘岗位信息表（模板）.xlsx")


@staff_page(*FILE_IMPORT)
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Each row with its problems, what it would become (occupation, pay, place), its screening flags; the
    import button with the choice of mode."""
    record = _file_import_or_404(request, pk)
    rows = record.rows
    context = {
        "record": record,
        "rows": rows[:1000],
        "importable": record.total_rows - record.problem_rows,
        "drafts": sum(1 for row in rows if row.get("draft") and not row["problems"]),
        "run_form": VacancyFileRunForm(initial={"mode": record.mode}),
    }
    return render(request, "vacancies/file_detail.html", context)


@staff_page(*FILE_IMPORT)
@require_POST
def file_run(request: HttpRequest, pk: int) -> HttpResponse:
    record = _file_import_or_404(request, pk)
    form = VacancyFileRunForm(request.POST)
    mode = form.cleaned_data["mode"] if form.is_valid() else None
    try:
        file_import.vacancy_file_import(actor=_actor(request), record=record, mode=mode)
    except DomainError as exc:
        messages.error(request, "；".join(e.message for e in exc.errors))
    else:
        if record.status == ImportStatus.DONE:
            drafts = f"，其中 {record.drafts} 个含违法内容提示，留作草稿待修改" if record.drafts else ""
            messages.success(request, f"导入完成：{record.created} 个岗位已进入待审核队列{drafts}。")
        else:
            messages.error(request, record.message)
    return redirect("vacancies:file_detail", pk=record.pk)


@staff_page(*FILE_IMPORT)
def file_errors(request: HttpRequest, pk: int) -> HttpResponse:
    record = _file_import_or_404(request, pk)
    try:
        content = file_import.vacancy_file_errors(actor=_actor(request), record=record)
    except DomainError as exc:
        messages.error(request, exc.errors[0].message)
        return redirect("vacancies:file_detail", pk=record.pk)
    return xlsx_response(
        Workbook(content, record.problem_rows), f"问题行-{record.filename.rsplit('.', 1)[0]}.xlsx"
    )


@staff_page(VIEW, services.REVIEW)
@require_POST
def vacancy_clear_flag(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    vacancy = _vacancy_or_404(request, pk)
    form = ClearanceForm(request.POST, flags=_clearable_flags(vacancy))
    return _post_action(
        request,
        pk,
        "clear_form",
        form,
        lambda vacancy, data: services.vacancy_clear_flag(
            actor=actor, vacancy=vacancy, flag_ref=data["flag"], reason=data["reason"]
        ),
        "已核实排除岗位 {title} 的筛查提示（{status}）。",
    )


@staff_page(VIEW)
def screening_clearances(request: HttpRequest) -> HttpResponse:
    """The clearances of the jurisdiction by rule: where the screening rules misfire, for whoever maintains
    rules.toml (docs/screening.md)."""
    rows = selectors.clearances_by_rule(actor=_actor(request))
    return render(request, "vacancies/screening_clearances.html", {"rules": rows})
