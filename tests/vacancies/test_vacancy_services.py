"""Vacancy services: normalised and screened on every save, scoped by work place and employer, the review
life cycle with its refusals in Chinese, withdrawal, expiry, and staff corrections that are kept, audited
and teach the occupation coder."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.core.errors import DomainError, NotFound
from openpes.employers import services as employer_services
from openpes.employers.models import Employer, EmployerAccount
from openpes.regions.models import Region
from openpes.vacancies import selectors, services
from openpes.vacancies.choices import Channel, VacancyStatus
from openpes.vacancies.models import Vacancy, VacancyCorrection
from openpes.vacancies.services import normalising
from tests.employers.helpers import COOK, WELDER, make_employer
from tests.vacancies.pool import COOK_POSTING, make_vacancy, verified_employer

pytestmark = pytest.mark.django_db

DISCRIMINATORY = "限男性，负责湘菜烹饪"


def errors_of(exc: pytest.ExceptionInfo[DomainError]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


def test_a_new_vacancy_keeps_its_raw_text_and_gets_normalised_fields_with_reasons(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    vacancy = make_vacancy(officer, employer)
    assert vacancy.status == VacancyStatus.DRAFT and vacancy.channel == Channel.STAFF
    assert (vacancy.title, vacancy.pay_text) == (COOK_POSTING["title"], COOK_POSTING["pay_text"])
    assert vacancy.occupation_code == COOK and COOK in vacancy.occupation_candidates
    assert (vacancy.pay_min, vacancy.pay_max, vacancy.pay_period) == (4500, 6000, "month")
    assert vacancy.place_code.startswith("430527") and "长铺" in vacancy.place_name
    assert vacancy.region_code == vacancy.place_code  # the work place, a region of the installation
    assert vacancy.education_min == "20" and vacancy.experience_min_years == 2
    assert "职业：中式烹调师" in vacancy.reasons and "工作地点" in vacancy.reasons
    assert vacancy.screening_flags == []
    assert vacancy.valid_until > timezone.localdate()
    log = ChangeLog.objects.get(target_type="vacancies.vacancy", target_id=str(vacancy.pk))
    assert log.action == "create" and log.changes["title"] == "中餐厨师"


def test_a_place_outside_the_installation_files_the_vacancy_under_the_employer(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    for place in ("长沙", "全国", "日本东京", ""):
        vacancy = make_vacancy(officer, employer, place_text=place)
        assert vacancy.region_code == places.village_b1, place
    assert make_vacancy(officer, employer, place_text="长沙").place_code == "430100000000"


def test_a_vacancy_is_seen_by_its_work_place_and_by_its_employer(make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    township_a = Region.objects.get(code=places.township_a)
    employer = verified_employer(county, places.village_b1)
    vacancy = make_vacancy(county, employer, place_text=township_a.name)
    assert vacancy.region_code.startswith(places.township_a[:9])
    officer_a = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    officer_b = make_staff(Role.TOWNSHIP_OFFICER, places.township_b)
    assert selectors.vacancy_get(actor=officer_a, pk=vacancy.pk) == vacancy
    assert selectors.vacancy_get(actor=officer_b, pk=vacancy.pk) == vacancy
    other_employer = verified_employer(county, places.village_b1)
    other = make_vacancy(county, other_employer, place_text="")
    assert selectors.vacancy_get(actor=officer_a, pk=other.pk) is None
    with pytest.raises(NotFound):
        services.vacancy_submit(actor=officer_a, vacancy=other)
    with pytest.raises(NotFound):
        make_vacancy(officer_a, other_employer)


def test_who_may_enter_and_change_vacancies(make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    specialist = make_staff(Role.SPECIALIST, places.county)
    manager = make_staff(Role.MANAGER, places.county)
    served = verified_employer(county, places.village_a1)
    employer_services.employer_key_enterprise_set(
        actor=county, employer=served, is_key_enterprise=True, specialist=specialist
    )
    not_served = verified_employer(county, places.village_a1)
    assert make_vacancy(specialist, served).employer == served
    with pytest.raises(PermissionDenied):
        make_vacancy(specialist, not_served)
    with pytest.raises(PermissionDenied):
        make_vacancy(manager, served)
    vacancy = make_vacancy(county, served)
    services.vacancy_submit(actor=specialist, vacancy=vacancy)
    with pytest.raises(PermissionDenied):
        services.vacancy_review(actor=specialist, vacancy=vacancy, approve=True)


def test_every_problem_of_the_input_is_reported_together_in_chinese(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_a1)
    with pytest.raises(DomainError) as exc:
        make_vacancy(
            officer,
            employer,
            title="",
            pay_text="x" * 101,
            headcount=0,
            valid_until=timezone.localdate() - dt.timedelta(days=1),
            description="<script>",
        )
    errors = errors_of(exc)
    assert set(errors) == {"title", "pay_text", "headcount", "valid_until", "description"}
    assert errors["title"] == "请填写职位名称"
    assert not Vacancy.objects.exists()


def test_review_publishes_and_refuses_with_the_reason(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    pending = make_employer(officer, places.village_a1)
    vacancy = make_vacancy(officer, pending)
    with pytest.raises(DomainError) as exc:
        services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)
    assert errors_of(exc)["status"] == "只有待审核的岗位可以审核"
    services.vacancy_submit(actor=officer, vacancy=vacancy)
    assert vacancy.status == VacancyStatus.PENDING_REVIEW and vacancy.submitted_at is not None
    with pytest.raises(DomainError) as exc:
        services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)
    assert "等待公共就业服务机构审核" in errors_of(exc)["status"]
    employer_services.employer_verify(actor=officer, employer=pending, approve=True)
    vacancy.employer.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.vacancy_review(actor=officer, vacancy=vacancy, approve=False, reason="")
    assert "原因" in errors_of(exc)["reason"]
    services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PUBLISHED and vacancy.reviewed_by == officer
    assert vacancy.published_at is not None
    assert list(selectors.public_vacancies()) == [vacancy]


def test_a_blocking_flag_keeps_a_vacancy_from_submission_and_publication(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_a1)
    vacancy = make_vacancy(officer, employer, description=DISCRIMINATORY)
    flag = next(f for f in vacancy.screening_flags if f["code"] == "gender.restricted")
    assert flag["severity"] == "block" and flag["laws"] and flag["explanation"]
    with pytest.raises(DomainError) as exc:
        services.vacancy_submit(actor=officer, vacancy=vacancy)
    assert "“限男性”" in errors_of(exc)["status"]
    # Under review already (a change made after submission): approval is refused with the same reason.
    Vacancy.objects.filter(pk=vacancy.pk).update(status=VacancyStatus.PENDING_REVIEW)
    vacancy.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)
    assert "须由单位修改后才能发布" in errors_of(exc)["status"]
    services.vacancy_update(
        actor=officer,
        vacancy=vacancy,
        data=services.VacancyInput(description="负责湘菜烹饪"),
        fields={"description"},
    )
    assert vacancy.screening_flags == []
    services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)
    assert vacancy.status == VacancyStatus.PUBLISHED


def test_a_change_to_a_published_vacancy_sends_it_back_to_review(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    vacancy = published(officer, verified_employer(officer, places.village_a1))
    services.vacancy_update(
        actor=officer,
        vacancy=vacancy,
        data=services.VacancyInput(pay_text="5000-7000元"),
        fields={"pay_text"},
    )
    assert vacancy.status == VacancyStatus.PENDING_REVIEW and (vacancy.pay_min, vacancy.pay_max) == (
        5000,
        7000,
    )
    assert vacancy not in selectors.public_vacancies()
    log = ChangeLog.objects.filter(target_type="vacancies.vacancy", target_id=str(vacancy.pk)).latest("id")
    assert log.changes["status"] == ["published", "pending_review"]
    # A change that brings in a blocking phrase sends it to the drafts, to be fixed before submission.
    services.vacancy_update(
        actor=officer,
        vacancy=vacancy,
        data=services.VacancyInput(description=DISCRIMINATORY),
        fields={"description"},
    )
    assert vacancy.status == VacancyStatus.DRAFT
    # Nothing changed: nothing written.
    count = ChangeLog.objects.count()
    services.vacancy_update(
        actor=officer,
        vacancy=vacancy,
        data=services.VacancyInput(description=DISCRIMINATORY),
        fields={"description"},
    )
    assert ChangeLog.objects.count() == count


def published(officer: Staff, employer: Employer, **fields: Any) -> Vacancy:
    vacancy = make_vacancy(officer, employer, **fields)
    services.vacancy_submit(actor=officer, vacancy=vacancy)
    return services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)


def test_withdrawn_and_expired_vacancies_leave_the_public_at_once(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_a1)
    withdrawn = published(officer, employer)
    services.vacancy_withdraw(actor=officer, vacancy=withdrawn, reason="已招满")
    assert withdrawn.status == VacancyStatus.WITHDRAWN
    with pytest.raises(DomainError):
        services.vacancy_update(
            actor=officer, vacancy=withdrawn, data=services.VacancyInput(title="厨师"), fields={"title"}
        )
    lapsing = published(officer, employer)
    Vacancy.objects.filter(pk=lapsing.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    still = published(officer, employer)
    assert list(selectors.public_vacancies()) == [still]  # before the daily job has run
    assert services.vacancies_expire() == 1
    lapsing.refresh_from_db()
    assert lapsing.status == VacancyStatus.EXPIRED
    assert services.vacancies_expire() == 0
    log = ChangeLog.objects.filter(target_type="vacancies.vacancy", row_count=1).latest("id")
    assert log.changes["ids"] == [str(lapsing.pk)]


def test_the_pay_check_uses_the_going_rate_of_published_vacancies(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_a1)
    far_above = {"pay_text": "30000-40000元/月"}
    assert all(
        f["code"] != "fraud.pay_far_above_rate"
        for f in make_vacancy(officer, employer, **far_above).screening_flags
    )
    for _ in range(5):
        published(officer, employer)
    flagged = make_vacancy(officer, employer, **far_above)
    assert any(f["code"] == "fraud.pay_far_above_rate" for f in flagged.screening_flags)


def test_a_correction_is_kept_audited_reapplied_and_teaches_the_coder(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_a1)
    title = "后厨烧火师傅"
    vacancy = make_vacancy(officer, employer, title=title, description="")
    assert vacancy.occupation_code != WELDER
    services.vacancy_correct(
        actor=officer, vacancy=vacancy, field="occupation_code", value=WELDER, note="核实"
    )
    assert (vacancy.occupation_code, vacancy.occupation_name) == (WELDER, "焊工")
    assert not any(flag.startswith("occupation_") for flag in vacancy.flags)
    correction = VacancyCorrection.objects.get(vacancy=vacancy)
    assert (correction.new_value, correction.title, correction.corrected_by) == (WELDER, title, officer)
    assert (
        ChangeLog.objects.filter(target_type="vacancies.vacancy", target_id=str(vacancy.pk))
        .latest("id")
        .changes["occupation_code"][1]
        == WELDER
    )
    # The correction stays through a change of another field, and goes when its own text changes.
    services.vacancy_update(
        actor=officer, vacancy=vacancy, data=services.VacancyInput(pay_text="5000元"), fields={"pay_text"}
    )
    assert vacancy.occupation_code == WELDER
    # Later vacancies with the same title are coded as corrected.
    assert make_vacancy(officer, employer, title=title, description="").occupation_code == WELDER
    services.vacancy_update(
        actor=officer, vacancy=vacancy, data=services.VacancyInput(title="中餐厨师"), fields={"title"}
    )
    assert vacancy.occupation_code == COOK


def test_the_corrected_coder_is_built_once_per_set_of_corrections(
    make_staff, places, django_assert_num_queries
):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    vacancy = make_vacancy(officer, verified_employer(officer, places.village_a1))
    services.vacancy_correct(actor=officer, vacancy=vacancy, field="occupation_code", value=WELDER)
    first = normalising.current_coder()
    assert normalising.current_coder() is first
    services.vacancy_correct(actor=officer, vacancy=vacancy, field="occupation_code", value=COOK)
    assert normalising.current_coder() is not first


def test_corrections_are_checked(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    vacancy = make_vacancy(officer, verified_employer(officer, places.village_a1))
    for field, value in (
        ("occupation_code", "9-99-99-99"),
        ("pay_min", "abc"),
        ("work_type", "x"),
        ("region_code", "1"),
    ):
        with pytest.raises(DomainError):
            services.vacancy_correct(actor=officer, vacancy=vacancy, field=field, value=value)
    with pytest.raises(DomainError):
        services.vacancy_correct(actor=officer, vacancy=vacancy, field="title", value="x")
    services.vacancy_correct(actor=officer, vacancy=vacancy, field="region_code", value=places.village_b1)
    assert vacancy.region_code == places.village_b1 == vacancy.place_code
    services.vacancy_correct(actor=officer, vacancy=vacancy, field="pay_negotiable", value="1")
    assert vacancy.pay_negotiable is True


def test_a_portal_account_posts_for_its_own_employer_only(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_a1)
    account = EmployerAccount.objects.create(
        employer=employer, login_name=employer.uscc, password="x", claimed_name=employer.name
    )
    vacancy = make_vacancy(account)
    assert vacancy.channel == Channel.PORTAL and vacancy.employer == employer and vacancy.created_by is None
    log = ChangeLog.objects.get(target_type="vacancies.vacancy", target_id=str(vacancy.pk))
    assert log.actor_name == f"单位账号 {employer.uscc}"
    other = make_vacancy(officer, verified_employer(officer, places.village_a1))
    with pytest.raises(NotFound):
        services.vacancy_withdraw(actor=account, vacancy=other)
    services.vacancy_submit(actor=account, vacancy=vacancy)
    with pytest.raises(DomainError) as exc:  # the account was never confirmed by the office
        services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)
    assert "单位账号尚未经经办机构确认" in errors_of(exc)["status"]
    claimed = EmployerAccount.objects.create(
        employer=Employer.objects.get(pk=other.employer_id),
        login_name="x2",
        password="x",
        claimed_name="x",
        claimed_existing=True,
    )
    with pytest.raises(PermissionDenied):
        make_vacancy(claimed)
