"""Writing vacancies: create and change (normalised and screened on every save), submit, review, withdraw,
expire, and staff corrections of normalised fields. Every write is audited.

Who acts: a staff member (`Staff`) for an employer of their jurisdiction, an employer's portal account
(`EmployerAccount`) for its own employer only, or a partner system's API key (`PartnerKey`, scope
`vacancies:write`) for employers of the partner's region and the vacancies that partner posted only. Officers (`vacancies.change_vacancy`) change any vacancy of
their jurisdiction; a specialist (`vacancies.change_served_vacancy`) those of the employers they serve;
reviewing needs `vacancies.review_vacancy`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from openpes.accounts.models import PartnerKey, PartnerScope, Staff
from openpes.accounts.services import PartnerActor
from openpes.audit import services as audit
from openpes.core.errors import DomainError, NotFound
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_text
from openpes.employers import rules as employer_rules
from openpes.employers.models import Employer, EmployerAccount
from openpes.employers.selectors import portal_employer
from openpes.employers.services import PortalActor
from openpes.vacancies import dedup, rules, search
from openpes.vacancies.choices import Channel, VacancyStatus
from openpes.vacancies.models import DuplicateCandidate, ScreeningClearance, Vacancy, VacancyCorrection
from openpes.vacancies.services import duplicates
from openpes.vacancies.services.normalising import (
    cleared_mark,
    normalise,
    rescreen,
    scoping_region,
    written_texts,
)
from openpes.vacancies.services.validation import (
    CORRECTABLE,
    RAW_FIELDS,
    VACANCY_FIELDS,
    VacancyInput,
    clean_correction,
    clean_vacancy,
    source_text,
)

ADD = "vacancies.add_vacancy"
CHANGE_ANY = "vacancies.change_vacancy"
CHANGE_SERVED = "vacancies.change_served_vacancy"
REVIEW = "vacancies.review_vacancy"

VacancyActor = Staff | EmployerAccount | PartnerKey


def may_change(actor: Staff, employer: Employer) -> bool:
    """Officers change the vacancies of any employer of their jurisdiction; a specialist those of the
    employers they serve."""
    return actor.has_perm(CHANGE_ANY) or (
        actor.has_perm(CHANGE_SERVED)
        and employer.specialist_id is not None
        and employer.specialist_id == actor.pk
    )


def sees(actor: Staff, vacancy: Vacancy) -> bool:
    """The scoping rule of `VacancyQuerySet.within`, for one row: its region or its employer's."""
    prefix = actor.jurisdiction_prefix
    return covers(prefix, vacancy.region_code) or covers(prefix, vacancy.employer.region_code)


def _audit_actor(actor: VacancyActor) -> Any:
    if isinstance(actor, PartnerKey):
        return PartnerActor(actor)
    return PortalActor(actor.login_name) if isinstance(actor, EmployerAccount) else actor


def _partner_may_write(key: PartnerKey) -> None:
    # The API checks the scope before the handler runs; this keeps any other caller of the services honest.
    if not key.has_scope(PartnerScope.VACANCIES_WRITE):
        raise PermissionDenied


def _account_employer(account: EmployerAccount) -> Employer:
    employer = portal_employer(account) if account.is_active else None
    if employer is None:
        raise PermissionDenied
    return employer


def _may_write(actor: VacancyActor, vacancy: Vacancy) -> None:
    if isinstance(actor, PartnerKey):
        if vacancy.partner_id is None or vacancy.partner_id != actor.partner_id:
            raise NotFound
        _partner_may_write(actor)
        return
    if isinstance(actor, EmployerAccount):
        if _account_employer(actor).pk != vacancy.employer_id:
            raise NotFound
        return
    if not sees(actor, vacancy):
        raise NotFound
    if not may_change(actor, vacancy.employer):
        raise PermissionDenied


def _record(
    actor: VacancyActor, vacancy: Vacancy, action: str, changes: dict[str, Any], summary: str
) -> None:
    audit.record_change(
        actor=_audit_actor(actor),
        action=action,
        target=vacancy,
        region_code=vacancy.region_code,
        changes={key: _jsonable(value) for key, value in changes.items()},
        summary=f"{summary} {vacancy.title}（{vacancy.employer.name}）",
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _reapply_corrections(vacancy: Vacancy) -> list[str]:
    """After a normalisation, put back each field's latest correction whose source text is unchanged."""
    latest: dict[str, VacancyCorrection] = {}
    for correction in vacancy.corrections.order_by("id"):
        latest[correction.field] = correction
    kept = []
    for field, correction in latest.items():
        if correction.source_text == source_text(vacancy, field):
            _set_corrected(vacancy, field, clean_correction(field, correction.new_value))
            kept.append(field)
    return kept


def _set_corrected(vacancy: Vacancy, field: str, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(vacancy, name, value)
    if field == "region_code":
        vacancy.region_code = scoping_region(vacancy.place_code, vacancy.employer)
    if field == "occupation_code":
        vacancy.occupation_confidence = 1.0
    # A field staff corrected needs no more checking.
    prefix = field.split("_")[0]
    vacancy.flags = [flag for flag in vacancy.flags if not flag.startswith(f"{prefix}_")]


def _state(vacancy: Vacancy) -> dict[str, Any]:
    return {name: getattr(vacancy, name) for name in (*VACANCY_FIELDS, "status")}


@dataclass(frozen=True)
class Intake:
    """What became of a posting: a new vacancy (perhaps with probable duplicates marked and the closed
    vacancy it re-posts linked), or, when it was word for word an open vacancy of the same employer that
    came through another channel, a new source of that vacancy (`merged`)."""

    vacancy: Vacancy
    merged: bool = False
    duplicates: tuple[DuplicateCandidate, ...] = ()
    reposts: Vacancy | None = None  # linked at intake as the closed vacancy this one posts again

    @property
    def message(self) -> str:
        """What the person who posted is told, in Chinese ("" when there is nothing to tell)."""
        if self.merged:
            return f"该岗位与已有岗位#{self.vacancy.pk}重复，已合并为同一岗位的来源"
        parts = []
        if self.duplicates:
            numbers = "、".join(f"#{candidate.other_id}" for candidate in self.duplicates)
            parts.append(f"该岗位可能与已有岗位{numbers}重复，经办人员审核时将核对")
        if self.reposts is not None:
            parts.append(f"已关联为岗位#{self.reposts.pk}（{self.reposts.get_status_display()}）的重新发布")
        return "；".join(parts)


def vacancy_intake(
    *,
    actor: VacancyActor,
    data: VacancyInput,
    employer: Employer | None = None,
    channel: str = "",
    reposts: Vacancy | None = None,
    external_ref: str = "",
    external_id: str = "",
    source: str = "",
    submit: bool = False,
) -> Intake:
    """A posting from any channel, compared with the same employer's vacancies (services.duplicates):
    word for word the same as an open vacancy that no source of this channel has sent yet, it becomes a
    source of that vacancy; otherwise a new vacancy, as a draft, normalised and screened, with its first
    source, its probable duplicates marked for staff and, when it matches an expired or withdrawn vacancy,
    linked to it as a re-post. Staff name the employer (one of their jurisdiction) and the channel (staff
    entry by default, `file`/`partner` for the intake paths); a portal account always posts for its own
    employer through the portal channel; a partner key for an employer of its partner's region through the
    partner channel, under the partner's own `external_id`. A partner's posting is never merged at intake:
    the partner reaches its vacancies by its own id, so it always gets one of its own (a duplicate is marked
    for staff). `external_ref`: the posting's number in another system or a file, kept with its source.
    `source` says where in the channel it came from (a file's name and line); with `submit` a new vacancy
    goes to the review queue at once unless a blocking screening flag keeps it a draft."""
    partner = None
    if isinstance(actor, EmployerAccount):
        employer, channel, account = _account_employer(actor), Channel.PORTAL, actor
        created_by = None
    elif isinstance(actor, PartnerKey):
        if employer is None or not covers(actor.jurisdiction_prefix, employer.region_code):
            raise NotFound
        _partner_may_write(actor)
        channel, account, created_by, partner = Channel.PARTNER, None, None, actor.partner
    else:
        if employer is None or not covers(actor.jurisdiction_prefix, employer.region_code):
            raise NotFound
        if not actor.has_perm(ADD) or not may_change(actor, employer):
            raise PermissionDenied
        channel, account, created_by = channel or Channel.STAFF, None, actor
        if channel == Channel.PORTAL:
            raise DomainError("channel", "经办人员不能以单位网上发布渠道登记岗位")
    if reposts is not None and reposts.employer_id != employer.pk:
        raise DomainError("reposts", "只能重新发布同一单位的岗位")
    external_ref = clean_text(external_ref, field="external_ref", label="外部编号", max_length=100)
    values = clean_vacancy(data)
    vacancy = Vacancy(
        employer=employer,
        channel=channel,
        created_by=created_by,
        posted_by_account=account,
        reposts=reposts,
        source=source[:250],
        partner=partner,
        external_id=external_id if partner is not None else "",
        **values,
    )
    normalise(vacancy)
    rescreen(vacancy)
    external_ref = external_ref or vacancy.external_id
    matches = duplicates.find_matches(vacancy)
    for other, decision in matches.duplicates:
        if partner is None and decision.certain and channel not in duplicates.source_channels(other):
            return _merge_at_intake(actor, vacancy, other, decision, external_ref)
    linked = None
    if reposts is None and matches.reposts:
        linked = vacancy.reposts = matches.reposts[0][0]
    if submit and not rules.blocking_flags(vacancy.screening_flags):
        _set_status(vacancy, actor, VacancyStatus.PENDING_REVIEW)
        vacancy.submitted_at = vacancy.status_changed_at
    with transaction.atomic():
        vacancy.save()
        duplicates.add_source(vacancy, raw=vacancy, channel=channel, external_ref=external_ref)
        suggested = duplicates.suggest(vacancy, matches.duplicates)
        search.sync_vacancy(vacancy)
        changes = (
            {**values, "channel": channel}
            | ({"external_id": external_id} if partner else {})
            | ({"source": source, "status": vacancy.status} if source else {})
            | ({"reposts": linked.pk} if linked is not None else {})
            | ({"duplicate_candidates": [c.other_id for c in suggested]} if suggested else {})
        )
        _record(actor, vacancy, "create", changes, "登记岗位")
    return Intake(vacancy, duplicates=tuple(suggested), reposts=linked)


def _merge_at_intake(
    actor: VacancyActor, posting: Vacancy, existing: Vacancy, decision: dedup.Decision, external_ref: str
) -> Intake:
    """The posting is kept as a source of the open vacancy it repeats word for word; the vacancy itself
    (its text, state and validity) stays as it is."""
    existing = Vacancy.objects.select_related("employer").get(pk=existing.pk)
    with transaction.atomic():
        source = duplicates.add_source(
            existing,
            raw=posting,
            channel=posting.channel,
            external_ref=external_ref,
            note=f"收到时自动合并：{decision.text}",
        )
        _record(
            actor,
            existing,
            "update",
            {"sources": [source.get_channel_display()], "valid_until_received": posting.valid_until}
            | ({"source": posting.source} if posting.source else {}),
            "收到重复岗位，合并为来源",
        )
    return Intake(existing, merged=True)


def vacancy_create(
    *,
    actor: VacancyActor,
    data: VacancyInput,
    employer: Employer | None = None,
    channel: str = "",
    reposts: Vacancy | None = None,
    external_ref: str = "",
    external_id: str = "",
    source: str = "",
    submit: bool = False,
) -> Vacancy:
    """`vacancy_intake`, for callers that need only the vacancy: the new one, or the existing one the
    posting was merged into (`vacancy_intake(...).merged` tells which)."""
    return vacancy_intake(
        actor=actor,
        data=data,
        employer=employer,
        channel=channel,
        reposts=reposts,
        external_ref=external_ref,
        external_id=external_id,
        source=source,
        submit=submit,
    ).vacancy


def vacancy_update(
    *, actor: VacancyActor, vacancy: Vacancy, data: VacancyInput, fields: set[str] | None = None
) -> Vacancy:
    """Change the given raw fields (all without `fields`), then normalise and screen again. A change to a
    vacancy under review, published or rejected sends it (back) to the review queue; one that now carries a
    blocking screening flag goes back to the drafts instead, to be fixed first."""
    wanted = set(VACANCY_FIELDS) if fields is None else set(fields)
    unknown = wanted - set(VACANCY_FIELDS)
    if unknown:
        raise DomainError(sorted(unknown)[0], "该字段不能修改")
    _may_write(actor, vacancy)
    refusal = rules.change_refusal(vacancy.status)
    if refusal:
        raise DomainError("status", refusal)
    values = clean_vacancy(data, fields=wanted)
    before = _state(vacancy)
    for name, value in values.items():
        setattr(vacancy, name, value)
    changes = audit.diff(before, values)
    if not changes:
        return vacancy
    lapsed: list[int] = []
    if set(changes) & set(RAW_FIELDS):
        normalise(vacancy)
        _reapply_corrections(vacancy)
        lapsed = rescreen(vacancy)
        if lapsed:
            changes["clearances_lapsed"] = lapsed
        now = timezone.now()
        status = rules.status_after_change(
            vacancy.status, bool(rules.blocking_flags(vacancy.screening_flags))
        )
        if status != vacancy.status:
            changes["status"] = [vacancy.status, status]
            vacancy.status, vacancy.status_changed_at = status, now
            vacancy.status_changed_by = actor if isinstance(actor, Staff) else None
            vacancy.submitted_at = now if status == VacancyStatus.PENDING_REVIEW else vacancy.submitted_at
    with transaction.atomic():
        vacancy.save()
        _lapse(lapsed)
        if set(changes) & set(RAW_FIELDS):
            # A changed text may now repeat another open vacancy of the employer, or no longer repeat one.
            duplicates.suggest(vacancy, duplicates.find_matches(vacancy).duplicates)
        search.sync_vacancy(vacancy)
        _record(actor, vacancy, "update", changes, "修改岗位")
    return vacancy


def _lapse(clearance_ids: list[int]) -> None:
    if clearance_ids:
        ScreeningClearance.objects.filter(pk__in=clearance_ids, lapsed_at__isnull=True).update(
            lapsed_at=timezone.now()
        )


def _set_status(vacancy: Vacancy, actor: VacancyActor, status: str, reason: str = "") -> None:
    vacancy.status, vacancy.status_reason = status, reason
    vacancy.status_changed_at = timezone.now()
    vacancy.status_changed_by = actor if isinstance(actor, Staff) else None


def vacancy_submit(*, actor: VacancyActor, vacancy: Vacancy) -> Vacancy:
    """A draft (or a rejected vacancy, corrected) goes to the review queue; refused while a blocking
    screening flag stands."""
    _may_write(actor, vacancy)
    refusal = rules.submit_refusal(vacancy.status, vacancy.screening_flags)
    if refusal:
        raise DomainError("status", refusal)
    before = vacancy.status
    _set_status(vacancy, actor, VacancyStatus.PENDING_REVIEW)
    vacancy.submitted_at = vacancy.status_changed_at
    with transaction.atomic():
        vacancy.save()
        search.sync_vacancy(vacancy)
        _record(actor, vacancy, "update", {"status": [before, vacancy.status]}, "提交审核岗位")
    return vacancy


def publish_refusal(vacancy: Vacancy) -> str | None:
    """Why a vacancy under review cannot be approved now, in Chinese; None if it can."""
    if vacancy.status != VacancyStatus.PENDING_REVIEW:
        return "只有待审核的岗位可以审核"
    blocked = rules.blocking_refusal(vacancy.screening_flags)
    if blocked:
        return blocked.replace("请修改后再提交", "须由单位修改后才能发布")
    refusal = employer_rules.publish_refusal(vacancy.employer)
    if refusal:
        return refusal
    account = vacancy.posted_by_account
    if account is not None and not employer_rules.account_can_publish(account, vacancy.employer):
        return "发布该岗位的单位账号尚未经经办机构确认或已停用，请先在单位页面核实账号"
    if vacancy.valid_until < timezone.localdate():
        return "岗位有效期已过，请先修改有效期"
    return None


def vacancy_review(*, actor: Staff, vacancy: Vacancy, approve: bool, reason: str = "") -> Vacancy:
    """审核: publish the vacancy, or reject it with a reason the employer reads. Approval is refused while a
    blocking screening flag stands, while the employer is not verified, or while the account that posted
    it is not confirmed."""
    if not sees(actor, vacancy):
        raise NotFound
    if not actor.has_perm(REVIEW):
        raise PermissionDenied
    reason = clean_text(reason, field="reason", label="审核意见", max_length=200)
    if approve:
        refusal = publish_refusal(vacancy)
        if refusal:
            raise DomainError("status", refusal)
    else:
        if vacancy.status != VacancyStatus.PENDING_REVIEW:
            raise DomainError("status", "只有待审核的岗位可以审核")
        if len(reason) < 2:
            raise DomainError("reason", "请写明未通过的原因（至少2个字），单位将看到这条意见")
    before = vacancy.status
    _set_status(vacancy, actor, VacancyStatus.PUBLISHED if approve else VacancyStatus.REJECTED, reason)
    vacancy.reviewed_by, vacancy.reviewed_at = actor, vacancy.status_changed_at
    if approve:
        vacancy.published_at = vacancy.status_changed_at
    with transaction.atomic():
        vacancy.save()
        search.sync_vacancy(vacancy)
        _record(
            actor,
            vacancy,
            "update",
            {"status": [before, vacancy.status]} | ({"status_reason": reason} if reason else {}),
            "审核通过岗位" if approve else "审核未通过岗位",
        )
    return vacancy


def vacancy_withdraw(*, actor: VacancyActor, vacancy: Vacancy, reason: str = "") -> Vacancy:
    """Take a vacancy out of the pool (filled, cancelled); it leaves every public list at once."""
    _may_write(actor, vacancy)
    if vacancy.status not in rules.WITHDRAWABLE:
        raise DomainError("status", "该岗位已撤回或已过期")
    reason = clean_text(reason, field="reason", label="撤回原因", max_length=200)
    before = vacancy.status
    _set_status(vacancy, actor, VacancyStatus.WITHDRAWN, reason)
    with transaction.atomic():
        vacancy.save()
        search.sync_vacancy(vacancy)
        _record(actor, vacancy, "update", {"status": [before, vacancy.status]}, "撤回岗位")
    return vacancy


def vacancies_expire(*, today: dt.date | None = None) -> int:
    """Mark published vacancies past their `valid_until` as expired (the selectors already leave them out
    of anything public on the day after); returns how many. Run daily by the scheduler."""
    today = today or timezone.localdate()
    due = Vacancy.objects.filter(status=VacancyStatus.PUBLISHED, valid_until__lt=today)
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        Vacancy.objects.filter(pk__in=ids).update(
            status=VacancyStatus.EXPIRED, status_changed_at=timezone.now(), status_changed_by=None
        )
        audit.record_bulk_change(
            actor=None,
            action="update",
            model=Vacancy,
            ids=ids,
            changes={"status": [VacancyStatus.PUBLISHED, VacancyStatus.EXPIRED]},
            summary=f"岗位到期下架 {len(ids)} 个",
        )
        search.remove_vacancies(ids)
    return len(ids)


def vacancy_correct(*, actor: Staff, vacancy: Vacancy, field: str, value: str, note: str = "") -> Vacancy:
    """Staff correct one normalised field. The correction is kept (and re-applied while the text it was
    read from stays the same), audited, and an occupation correction teaches the coder for later
    normalisations. The status does not change: the clerk who corrects is the reviewer's side."""
    _may_write(actor, vacancy)
    if vacancy.status in (VacancyStatus.WITHDRAWN, VacancyStatus.EXPIRED):
        raise DomainError("status", "已撤回或已过期的岗位不能更正")
    values = clean_correction(field, value)
    note = clean_text(note, field="note", label="说明", max_length=200)
    shown_field = "place_code" if field == "region_code" else field
    old = getattr(vacancy, shown_field)
    _set_corrected(vacancy, field, values)
    new = getattr(vacancy, shown_field)
    if old == new:
        return vacancy
    lapsed = rescreen(vacancy) if field.startswith("pay_") else []
    with transaction.atomic():
        vacancy.save()
        _lapse(lapsed)
        search.sync_vacancy(vacancy)
        VacancyCorrection.objects.create(
            vacancy=vacancy,
            field=field,
            old_value="" if old is None else str(old if not isinstance(old, bool) else int(old)),
            new_value=(value or "").strip(),
            title=vacancy.title,
            source_text=source_text(vacancy, field),
            note=note,
            corrected_by=actor,
        )
        _record(actor, vacancy, "update", {field: [old, new]}, f"更正岗位{CORRECTABLE[field][0]}")
    return vacancy


def clearance_separation_refusal(actor: Staff, vacancy: Vacancy) -> str | None:
    """Separation of duties: the clerk who entered a vacancy does not clear its flags (an employer's
    account is no staff member and never clears anything)."""
    if vacancy.created_by_id is not None and vacancy.created_by_id == actor.pk:
        return "您登记了这个岗位，不能由您核实排除它的筛查提示，请交由其他审核人员核实"
    return None


def vacancy_clear_flag(*, actor: Staff, vacancy: Vacancy, flag_ref: str, reason: str) -> ScreeningClearance:
    """核实排除: a reviewer clears one blocking screening flag that is a mistake of the rules, with the
    reason in writing. Kept (who, when, rule, matched text and its clause, reason), audited, shown on the
    staff pages and, without the reviewer's name, to the employer; the vacancy may then be submitted and
    approved. The clearance holds while the flag comes back unchanged (`rules.clearance_key`)."""
    if not isinstance(actor, Staff):
        raise PermissionDenied
    if not sees(actor, vacancy):
        raise NotFound
    if not actor.has_perm(REVIEW):
        raise PermissionDenied
    refusal = clearance_separation_refusal(actor, vacancy)
    if refusal:
        raise DomainError("flag", refusal)
    flag = next((f for f in vacancy.screening_flags if rules.flag_ref(f) == flag_ref), None)
    refusal = rules.clearance_refusal(vacancy.status, flag)
    if refusal or flag is None:
        raise DomainError("flag", refusal or "")
    reason = clean_text(reason, field="reason", label="核实排除理由", max_length=500)
    refusal = rules.clearance_reason_refusal(reason)
    if refusal:
        raise DomainError("reason", refusal)
    code, field, text, clause, title = rules.clearance_key(flag, written_texts(vacancy))
    with transaction.atomic():
        clearance = ScreeningClearance.objects.create(
            vacancy=vacancy,
            code=code,
            kind=str(flag.get("kind") or ""),
            field=field,
            text=text[:200],
            clause=clause,
            title=title,
            reason=reason,
            cleared_by=actor,
        )
        key = (code, field, text, clause, title)
        texts = written_texts(vacancy)
        # Every flag with this key (the same clause written twice) is the same judgement.
        for other in vacancy.screening_flags:
            same = rules.clearance_key(other, texts) == key
            if same and other["severity"] == rules.BLOCK and not other.get("cleared"):
                other["cleared"] = cleared_mark(clearance)
        vacancy.save(update_fields=["screening_flags", "updated_at"])
        _record(
            actor,
            vacancy,
            "update",
            {"screening_clearance": {"id": clearance.pk, "code": code, "text": text, "reason": reason}},
            f"核实排除筛查提示“{text}”",
        )
    return clearance
