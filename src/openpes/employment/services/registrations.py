"""Registrations, status changes, cancellations and contacts of one person. Each call checks the rule,
writes in one transaction under the person's profile lock, updates what follows (key groups, tier,
zero-employment household) and audits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core.errors import DomainError, FieldError, NotFound
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_text
from openpes.employment import rules
from openpes.employment.choices import Basis, EmploymentForm, LabourStatus, UnemploymentReason
from openpes.employment.models import (
    CertificateCounter,
    Contact,
    ContactChannel,
    EmploymentProfile,
    EventKind,
    Registration,
    RegistrationKind,
    RetirementCategory,
    RuleParameters,
    StatusEvent,
)
from openpes.employment.selectors import parameters_for
from openpes.employment.services.derived import (
    facts_of,
    open_registration,
    profile_locked,
    refresh,
    refresh_all,
)
from openpes.people.models import Person

# What each status change means for the person's status and open registrations.
STATUS_CHANGES: dict[str, str] = {
    EventKind.STARTED_BUSINESS: LabourStatus.EMPLOYED,
    EventKind.ENTERED_SCHOOL: LabourStatus.STUDENT,
    EventKind.ENLISTED: LabourStatus.ENLISTED,
    EventKind.RETIRED: LabourStatus.RETIRED,
    EventKind.MOVED_AWAY: "",
    EventKind.DIED: "",
    EventKind.REGISTERED_ELSEWHERE: "",
}


def _check_person(actor: Staff, person: Person) -> None:
    if not covers(actor.jurisdiction_prefix, person.region_code):
        raise NotFound


def _on(on: dt.date | None) -> dt.date:
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise DomainError("on", "日期不能晚于今天")
    return on


def _choice(value: str, choices: type[Any], field: str, label: str, *, required: bool = True) -> str:
    if not value and not required:
        return ""
    if value not in choices.values:
        accepted = "、".join(str(lbl) for lbl in choices.labels)
        raise DomainError(field, f"{label}取值无效，可选：{accepted}")
    return value


def _note(value: str, field: str = "note", label: str = "说明", required: bool = False) -> str:
    return clean_text(value, field=field, label=label, max_length=200, required=required)


def _certificate(profile: EmploymentProfile, person: Person, on: dt.date, params: rules.Parameters) -> str:
    """就业创业证 numbers are issued once per person (一人一证) and kept across registrations."""
    if profile.certificate_no:
        return profile.certificate_no
    county = person.region_code[:6]
    CertificateCounter.objects.get_or_create(county_code=county, year=on.year)
    counter = CertificateCounter.objects.select_for_update().get(county_code=county, year=on.year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    profile.certificate_no = rules.certificate_number(
        params.certificate_format, county=county, year=on.year, serial=counter.last_serial
    )
    return profile.certificate_no


def _event(
    actor: Staff, person: Person, kind: str, on: dt.date, registration: Registration | None, note: str
) -> None:
    StatusEvent.objects.create(
        person=person, kind=kind, on=on, registration=registration, note=note[:200], recorded_by=actor
    )


def _close(registration: Registration, *, actor: Staff, kind: str, on: dt.date, note: str) -> None:
    registration.closed_on = max(on, registration.registered_on)
    registration.close_kind, registration.close_note = kind, note[:200]
    registration.next_contact_due = None
    registration.save(update_fields=["closed_on", "close_kind", "close_note", "next_contact_due"])


def _audit(
    actor: Staff, target: Any, action: str, person: Person, summary: str, changes: dict[str, Any]
) -> None:
    audit.record_change(
        actor=actor,
        action=action,
        target=target,
        region_code=person.region_code,
        changes=changes,
        summary=summary,
    )


def _create(registration: Registration) -> Registration:
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:  # a concurrent registration of the same person won the race
        raise DomainError("person", "此人已有一条未结束的同类登记，请刷新后查看") from exc
    return registration


def unemployment_register(
    *,
    actor: Staff,
    person: Person,
    basis: str,
    reason: str,
    unemployed_since: dt.date | None = None,
    on: dt.date | None = None,
) -> Registration:
    """失业登记. An open employment registration ends with it (the person lost that job)."""
    _check_person(actor, person)
    on = _on(on)
    basis = _choice(basis, Basis, "basis", "登记地")
    reason = _choice(reason, UnemploymentReason, "reason", "失业原因")
    since = unemployed_since or on
    if since > on:
        raise DomainError("unemployed_since", "失业时间不能晚于登记日期")
    with transaction.atomic():
        profile = profile_locked(person)
        facts = facts_of(person, profile)
        decision = rules.may_register_unemployed(facts, on)
        if not decision.allowed:
            raise DomainError("person", f"不能办理失业登记：{decision.message}")
        params = parameters_for(person.region_code)
        previous = open_registration(person, RegistrationKind.EMPLOYMENT)
        if previous is not None:
            _close(previous, actor=actor, kind=EventKind.LOST_JOB, on=on, note="办理失业登记")
        certificate = _certificate(profile, person, on, params)
        profile.labour_status = LabourStatus.UNEMPLOYED
        profile.unemployment_reason, profile.unemployed_since = reason, since
        profile.employment_form, profile.employer_name = "", ""
        profile.save()
        registration = _create(
            Registration(
                person=person,
                kind=RegistrationKind.UNEMPLOYMENT,
                basis=basis,
                region_code=person.region_code,
                registered_on=on,
                certificate_no=certificate,
                unemployment_reason=reason,
                officer=actor,
                created_by=actor,
            )
        )
        _event(
            actor,
            person,
            EventKind.UNEMPLOYMENT_REGISTERED,
            on,
            registration,
            UnemploymentReason(reason).label,
        )
        refresh(person_ids=[person.pk], on=on)
        registration.refresh_from_db()
        if registration.next_contact_due is None:  # refresh sets it with the tier
            registration.next_contact_due = rules.next_contact_due(on, registration.tier or "C", params)
            registration.save(update_fields=["next_contact_due"])
        _audit(
            actor,
            registration,
            "create",
            person,
            f"失业登记 {person.name}（{certificate}）",
            {"basis": basis, "reason": reason, "registered_on": on.isoformat(), "tier": registration.tier},
        )
    return registration


def employment_register(
    *,
    actor: Staff,
    person: Person,
    basis: str,
    form: str,
    employer_name: str = "",
    by_declaration: bool = False,
    on: dt.date | None = None,
) -> Registration:
    """就业登记, including flexible employment on the worker's own declaration (承诺制), which later checks
    can overturn (`declaration_overturn`). An open unemployment registration ends with it (found a job);
    an open employment registration ends too (a change of job)."""
    _check_person(actor, person)
    on = _on(on)
    basis = _choice(basis, Basis, "basis", "登记地")
    form = _choice(form, EmploymentForm, "form", "就业形式")
    employer_name = clean_text(
        employer_name, field="employer_name", label="就业单位", max_length=100, required=False
    )
    if form == EmploymentForm.UNIT and not employer_name:
        raise DomainError("employer_name", "单位就业请填写就业单位")
    if by_declaration and form not in (EmploymentForm.FLEXIBLE, EmploymentForm.SELF_EMPLOYED):
        raise DomainError("by_declaration", "承诺制登记只适用于灵活就业和自主创业")
    with transaction.atomic():
        profile = profile_locked(person)
        decision = rules.may_register_employed(facts_of(person, profile), on)
        if not decision.allowed:
            raise DomainError("person", f"不能办理就业登记：{decision.message}")
        params = parameters_for(person.region_code)
        ended_unemployment = open_registration(person, RegistrationKind.UNEMPLOYMENT)
        if ended_unemployment is not None:
            kind = EventKind.STARTED_BUSINESS if form == EmploymentForm.SELF_EMPLOYED else EventKind.FOUND_JOB
            _close(ended_unemployment, actor=actor, kind=kind, on=on, note="办理就业登记")
        previous = open_registration(person, RegistrationKind.EMPLOYMENT)
        if previous is not None:
            _close(previous, actor=actor, kind=EventKind.EMPLOYMENT_REGISTERED, on=on, note="变更就业单位")
        certificate = _certificate(profile, person, on, params)
        profile.labour_status, profile.employment_form, profile.employer_name = (
            LabourStatus.EMPLOYED,
            form,
            employer_name,
        )
        profile.unemployment_reason, profile.unemployed_since = "", None
        profile.save()
        registration = _create(
            Registration(
                person=person,
                kind=RegistrationKind.EMPLOYMENT,
                basis=basis,
                region_code=person.region_code,
                registered_on=on,
                certificate_no=certificate,
                by_declaration=by_declaration,
                employment_form=form,
                employer_name=employer_name,
                officer=actor,
                created_by=actor,
            )
        )
        note = EmploymentForm(form).label + ("（承诺制）" if by_declaration else "")
        _event(actor, person, EventKind.EMPLOYMENT_REGISTERED, on, registration, note)
        refresh(person_ids=[person.pk], on=on)
        _audit(
            actor,
            registration,
            "create",
            person,
            f"就业登记 {person.name}（{certificate}）",
            {"basis": basis, "form": form, "employer_name": employer_name, "by_declaration": by_declaration},
        )
    return registration


def status_change(
    *, actor: Staff, person: Person, kind: str, on: dt.date | None = None, note: str = ""
) -> StatusEvent:
    """A change that ends the person's search for work without an employment registration: started a
    business, entered school, enlisted, retired, moved away, died, registered elsewhere. An open
    unemployment registration ends with it."""
    _check_person(actor, person)
    on = _on(on)
    if kind not in STATUS_CHANGES:
        accepted = "、".join(str(EventKind(k).label) for k in STATUS_CHANGES)
        raise DomainError("kind", f"变更事项取值无效，可选：{accepted}（实现就业请办理就业登记）")
    note = _note(note)
    with transaction.atomic():
        profile = profile_locked(person)
        if profile.deceased_on is not None:
            raise DomainError("person", "此人已登记死亡")
        registration = open_registration(person, RegistrationKind.UNEMPLOYMENT)
        if registration is not None:
            _close(registration, actor=actor, kind=kind, on=on, note=note or str(EventKind(kind).label))
        if kind == EventKind.DIED:
            profile.deceased_on = on
            employment = open_registration(person, RegistrationKind.EMPLOYMENT)
            if employment is not None:
                _close(employment, actor=actor, kind=kind, on=on, note=note)
        new_status = STATUS_CHANGES[kind]
        if new_status:
            profile.labour_status = new_status
            if new_status != LabourStatus.EMPLOYED:
                profile.employment_form, profile.employer_name = "", ""
            if kind == EventKind.STARTED_BUSINESS:
                profile.employment_form = EmploymentForm.SELF_EMPLOYED
            profile.unemployment_reason, profile.unemployed_since = "", None
        profile.save()
        event = StatusEvent.objects.create(
            person=person, kind=kind, on=on, registration=registration, note=note, recorded_by=actor
        )
        refresh(person_ids=[person.pk], on=on)
        _audit(
            actor,
            event,
            "create",
            person,
            f"{EventKind(kind).label} {person.name}",
            {"kind": kind, "on": on.isoformat(), "note": note},
        )
    return event


def _registration_locked(actor: Staff, registration: Registration) -> tuple[Registration, EmploymentProfile]:
    person = registration.person
    _check_person(actor, person)
    profile = profile_locked(person)
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    if registration.closed_on is not None:
        raise DomainError("registration", f"该登记已于{registration.closed_on:%Y-%m-%d}结束")
    return registration, profile


def registration_cancel(
    *, actor: Staff, registration: Registration, reason: str, on: dt.date | None = None
) -> Registration:
    """注销登记 with a reason (a registration made in error, a duplicate). The record stays, closed."""
    on = _on(on)
    reason = _note(reason, "reason", "注销原因", required=True)
    if len(reason) < 2:
        raise DomainError("reason", "请写明注销原因（至少2个字）")
    with transaction.atomic():
        registration, profile = _registration_locked(actor, registration)
        person = registration.person
        _close(registration, actor=actor, kind=EventKind.CANCELLED, on=on, note=reason)
        if (
            registration.kind == RegistrationKind.UNEMPLOYMENT
            and profile.labour_status == LabourStatus.UNEMPLOYED
        ):
            profile.labour_status = ""  # the status the registration stated is withdrawn with it
            profile.unemployment_reason, profile.unemployed_since = "", None
            profile.save()
        _event(actor, person, EventKind.CANCELLED, on, registration, reason)
        refresh(person_ids=[person.pk], on=on)
        _audit(
            actor,
            registration,
            "update",
            person,
            f"注销{registration.get_kind_display()} {person.name}",
            {"closed_on": on.isoformat(), "reason": reason},
        )
    return registration


def declaration_overturn(
    *, actor: Staff, registration: Registration, finding: str, on: dt.date | None = None
) -> Registration:
    """A check found a 承诺制 declaration untrue: the employment registration ends and the person's status
    is unknown again until it is collected anew."""
    on = _on(on)
    finding = _note(finding, "finding", "核查情况", required=True)
    if len(finding) < 2:
        raise DomainError("finding", "请写明核查情况（至少2个字）")
    if not registration.by_declaration:
        raise DomainError("registration", "只有承诺制登记可以因核查不实撤销")
    with transaction.atomic():
        registration, profile = _registration_locked(actor, registration)
        person = registration.person
        _close(registration, actor=actor, kind=EventKind.DECLARATION_OVERTURNED, on=on, note=finding)
        profile.labour_status, profile.employment_form, profile.employer_name = "", "", ""
        profile.save()
        _event(actor, person, EventKind.DECLARATION_OVERTURNED, on, registration, finding)
        refresh(person_ids=[person.pk], on=on)
        _audit(
            actor,
            registration,
            "update",
            person,
            f"承诺核查不实 {person.name}",
            {"closed_on": on.isoformat(), "finding": finding},
        )
    return registration


def contact_record(
    *, actor: Staff, registration: Registration, channel: str, note: str = "", on: dt.date | None = None
) -> Contact:
    """定期联系 with a registered unemployed person; the next contact falls due by the tier's interval."""
    on = _on(on)
    channel = _choice(channel, ContactChannel, "channel", "联系方式")
    note = _note(note, "note", "情况")
    if registration.kind != RegistrationKind.UNEMPLOYMENT:
        raise DomainError("registration", "定期联系只针对登记失业人员")
    with transaction.atomic():
        registration, _ = _registration_locked(actor, registration)
        if on < registration.registered_on:
            raise DomainError("on", "联系日期不能早于登记日期")
        contact = Contact.objects.create(
            registration=registration, on=on, channel=channel, note=note, recorded_by=actor
        )
        if registration.last_contact_on is None or on >= registration.last_contact_on:
            params = parameters_for(registration.person.region_code)
            registration.last_contact_on = on
            registration.next_contact_due = rules.next_contact_due(on, registration.tier or "C", params)
            registration.save(update_fields=["last_contact_on", "next_contact_due"])
        _audit(
            actor,
            contact,
            "create",
            registration.person,
            f"定期联系 {registration.person.name}",
            {"on": on.isoformat(), "channel": channel},
        )
    return contact


FACT_FIELDS = (
    "retirement_category",
    "able_to_work",
    "disabled",
    "low_income",
    "poverty_alleviated",
    "graduated_on",
    "veteran_discharged_on",
    "returned_home_on",
)


def facts_update(
    *, actor: Staff, person: Person, changes: dict[str, Any], on: dt.date | None = None
) -> EmploymentProfile:
    """Record the facts the key-group rules read (a disability certificate, 低保, graduation, discharge,
    return home). The groups follow at once; nobody sets a group by hand."""
    _check_person(actor, person)
    on = _on(on)
    unknown = set(changes) - set(FACT_FIELDS)
    if unknown:
        raise DomainError(sorted(unknown)[0], "该字段不能在这里修改")
    if "retirement_category" in changes:
        _choice(
            changes["retirement_category"] or "",
            RetirementCategory,
            "retirement_category",
            "退休年龄类别",
            required=False,
        )
        if person.sex == "M" and changes["retirement_category"] not in ("", "male"):
            raise DomainError("retirement_category", "男性的退休年龄类别只能是“男职工”")
        if person.sex == "F" and changes["retirement_category"] == "male":
            raise DomainError("retirement_category", "女性不能选“男职工”")
    for name in ("graduated_on", "veteran_discharged_on", "returned_home_on"):
        value = changes.get(name)
        if value is not None and value > timezone.localdate():
            raise DomainError(name, "日期不能晚于今天")
        if value is not None and value < person.birth_month:
            raise DomainError(name, "日期不能早于出生年月")
    with transaction.atomic():
        profile = profile_locked(person)
        before = {k: getattr(profile, k) for k in changes}
        for key, value in changes.items():
            setattr(profile, key, value)
        after = {k: getattr(profile, k) for k in changes}
        if before == after:
            return profile
        profile.save()
        _event(
            actor,
            person,
            EventKind.FACTS_CHANGED,
            on,
            None,
            "、".join(
                str(getattr(EmploymentProfile._meta.get_field(k), "verbose_name", k))
                for k in changes
                if before[k] != after[k]
            ),
        )
        refresh(person_ids=[person.pk], on=on)
        _audit(
            actor,
            profile,
            "update",
            person,
            f"修改认定信息 {person.name}",
            audit.diff({k: _plain(v) for k, v in before.items()}, {k: _plain(v) for k, v in after.items()}),
        )
    return profile


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def parameters_set(*, actor: Staff, data: dict[str, Any]) -> RuleParameters:
    """An office's rule parameters for its own jurisdiction (keys absent keep the defaults above it). Every
    person's groups and tiers in the jurisdiction are re-derived at once."""
    try:
        params = rules.Parameters.from_data(data)
    except (TypeError, ValueError) as exc:
        raise DomainError("data", str(exc)) from exc
    problems = rules.validate_parameters(params)
    if problems:
        raise DomainError([FieldError(name, message) for name, message in problems])
    prefix = actor.jurisdiction_prefix
    if not prefix:
        raise NotFound
    with transaction.atomic():
        stored, _ = RuleParameters.objects.select_for_update().get_or_create(region_prefix=prefix)
        before = dict(stored.data)
        stored.data, stored.updated_by = dict(data), actor
        stored.save()
        audit.record_change(
            actor=actor,
            action="update",
            target=stored,
            region_code=actor.jurisdiction_id,
            changes=audit.diff(before, stored.data),
            summary="修改重点群体和分级服务的规则参数",
        )
        refresh_all(prefix=prefix, on=timezone.localdate())
    return stored
