"""Roles and what each may do, as data. A role is a Django group holding these permissions; `sync_roles`
(run after every migrate) makes the groups match this table. Administrators, security and auditors are
separate roles (等保 2.0 separation of duties): the administrator manages accounts but reads no personal data,
the auditor reads the logs and changes nothing.

Each role belongs to one duty (三员分立): administration, audit, or registry work (any role that reads or
writes persons). One account holds roles of one duty only (`mixed_duties`, enforced by
`accounts.services.staff_create`), so an administrator cannot give itself, or an account it controls, the
right to read personal data or to read the logs of its own actions."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Role(models.TextChoices):
    VILLAGE_BROKER = "village_broker", "村级劳务经纪人"
    TOWNSHIP_OFFICER = "township_officer", "乡镇（街道）经办人员"
    COUNTY_OFFICER = "county_officer", "县级经办人员"
    COUNSELLOR = "counsellor", "职业指导师"
    SPECIALIST = "specialist", "就业服务专员"
    MANAGER = "manager", "管理人员"
    ADMINISTRATOR = "administrator", "系统管理员"
    AUDITOR = "auditor", "审计员"


class Duty(models.TextChoices):
    ADMINISTRATION = "administration", "系统管理"
    AUDIT = "audit", "安全审计"
    REGISTRY = "registry", "业务经办"


ROLE_DUTY: dict[str, Duty] = {
    Role.VILLAGE_BROKER: Duty.REGISTRY,
    Role.TOWNSHIP_OFFICER: Duty.REGISTRY,
    Role.COUNTY_OFFICER: Duty.REGISTRY,
    Role.COUNSELLOR: Duty.REGISTRY,
    Role.SPECIALIST: Duty.REGISTRY,
    Role.MANAGER: Duty.REGISTRY,
    Role.ADMINISTRATOR: Duty.ADMINISTRATION,
    Role.AUDITOR: Duty.AUDIT,
}


def duties_of(roles: Iterable[str]) -> set[Duty]:
    return {ROLE_DUTY[r] for r in roles if r in ROLE_DUTY}


def mixed_duties(roles: Iterable[str]) -> bool:
    """True when the roles span more than one duty (e.g. administrator + county officer)."""
    return len(duties_of(roles)) > 1


_REGISTRY_WRITE = [
    "people.view_person",
    "people.add_person",
    "people.change_person",
    "people.view_household",
    "people.add_household",
    "people.change_household",
    "people.reveal_personal_data",
    "regions.view_region",
]
_REGISTRY_READ = ["people.view_person", "people.view_household", "regions.view_region"]
# Employment: everyone in registry work sees registrations and key groups; brokers collect each worker's
# status (the survey, seed 002) but registrations are made by officers; the county sets the rule parameters.
_EMPLOYMENT_READ = [
    "employment.view_registration",
    "employment.view_employmentprofile",
    "employment.view_keygroupmembership",
    "employment.view_zeroemploymenthousehold",
]
_EMPLOYMENT_SURVEY = [*_EMPLOYMENT_READ, "employment.change_employmentprofile"]
_EMPLOYMENT_REGISTER = [*_EMPLOYMENT_SURVEY, "employment.add_registration", "employment.change_registration"]
# Employers: officers register and verify them and record demand surveys; the county designates key
# enterprises and their specialists; a specialist changes and surveys only the employers they serve
# (`employers.services.may_change`); managers and counsellors read.
_EMPLOYERS_READ = ["employers.view_employer", "employers.view_demandsurvey"]
_EMPLOYERS_OFFICER = [
    *_EMPLOYERS_READ,
    "employers.add_employer",
    "employers.change_employer",
    "employers.verify_employer",
    "employers.add_demandsurvey",
]
_EMPLOYERS_SPECIALIST = [
    *_EMPLOYERS_READ,
    "employers.change_assigned_employer",
    "employers.add_demandsurvey",
]
# Vacancies: officers enter, change and review the vacancies of their jurisdiction; a specialist enters and
# changes those of the employers they serve (`vacancies.services.may_change`) but does not review them;
# managers and counsellors read.
_VACANCIES_READ = ["vacancies.view_vacancy"]
_VACANCIES_OFFICER = [
    *_VACANCIES_READ,
    "vacancies.add_vacancy",
    "vacancies.change_vacancy",
    "vacancies.review_vacancy",
]
_VACANCIES_SPECIALIST = [*_VACANCIES_READ, "vacancies.add_vacancy", "vacancies.change_served_vacancy"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.VILLAGE_BROKER: [*_REGISTRY_WRITE, *_EMPLOYMENT_SURVEY],
    Role.TOWNSHIP_OFFICER: [
        *_REGISTRY_WRITE,
        *_EMPLOYMENT_REGISTER,
        *_EMPLOYERS_OFFICER,
        *_VACANCIES_OFFICER,
    ],
    Role.COUNTY_OFFICER: [
        *_REGISTRY_WRITE,
        *_EMPLOYMENT_REGISTER,
        "employment.change_ruleparameters",
        *_EMPLOYERS_OFFICER,
        "employers.manage_key_enterprise",
        *_VACANCIES_OFFICER,
    ],
    Role.COUNSELLOR: [*_REGISTRY_WRITE, *_EMPLOYMENT_REGISTER, *_EMPLOYERS_READ, *_VACANCIES_READ],
    Role.SPECIALIST: [
        *_REGISTRY_READ,
        *_EMPLOYMENT_READ,
        *_EMPLOYERS_SPECIALIST,
        *_VACANCIES_SPECIALIST,
    ],
    Role.MANAGER: [*_REGISTRY_READ, *_EMPLOYMENT_READ, *_EMPLOYERS_READ, *_VACANCIES_READ],
    Role.ADMINISTRATOR: [
        "accounts.view_staff",
        "accounts.add_staff",
        "accounts.change_staff",
        "accounts.view_institution",
        "accounts.add_institution",
        # Partner systems and their API keys are accounts too, of programs: the administrator issues and
        # revokes them (三员分立) and, like any account, they read no personal data.
        "accounts.view_partner",
        "accounts.add_partner",
        "accounts.view_partnerkey",
        "accounts.add_partnerkey",
        "accounts.change_partnerkey",
        "regions.view_region",
        "regions.add_regioncorrection",
    ],
    Role.AUDITOR: [
        "audit.view_changelog",
        "audit.view_accesslog",
        "audit.view_loginlog",
        "regions.view_region",
    ],
}
