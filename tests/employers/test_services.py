"""Employer services: registration by credit code, duplicates inside and outside the jurisdiction, the
contact phone encrypted and masked, verification, key enterprises and specialists, demand surveys, and
who may change what; every write audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from openpes.accounts.roles import Role
from openpes.audit.models import AccessLog, ChangeLog
from openpes.core.errors import DomainError, NotFound
from openpes.employers import rules, selectors, services
from openpes.employers.models import DemandSurvey, Verification
from tests.employers.helpers import COOK, WELDER, make_employer, make_uscc

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo[DomainError]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


def test_register_normalises_the_code_and_keeps_the_phone_encrypted_and_masked(make_staff, places):
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    code = make_uscc()
    employer = make_employer(
        officer, places.village_a1, uscc=f" {code.lower()} ", industry_code="18", size="3"
    )
    assert employer.uscc == code
    assert employer.verification == Verification.PENDING
    assert not rules.employer_can_publish(employer)
    assert employer.contact_phone_masked == "138****1234"
    assert "13807391234" not in employer.contact_phone_encrypted
    revealed = services.employer_contact_reveal(actor=officer, employer=employer, reason="联系招聘会事宜")
    assert revealed == "13807391234"
    access = AccessLog.objects.get(target_type="employers.employer", target_id=str(employer.pk))
    assert (access.field, access.reason) == ("contact_phone", "联系招聘会事宜")
    with pytest.raises(DomainError):
        services.employer_contact_reveal(actor=officer, employer=employer, reason="")
    with pytest.raises(NotFound):
        services.employer_contact_reveal(
            actor=make_staff(Role.TOWNSHIP_OFFICER, places.township_b), employer=employer, reason="核对"
        )
    row = ChangeLog.objects.get(target_type="employers.employer", target_id=str(employer.pk))
    assert row.changes["contact_phone"] == "138****1234"
    assert "13807391234" not in str(row.changes)


def test_every_problem_is_reported_together_in_chinese(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    with pytest.raises(DomainError) as exc:
        services.employer_create(
            actor=officer,
            data=services.EmployerInput(
                uscc="91430527MA4L0000O0",
                name="",
                industry_code="99",
                size="9",
                region_code="",
                contact_phone="12",
            ),
        )
    errors = errors_of(exc)
    assert set(errors) == {"uscc", "name", "industry_code", "size", "region_code", "contact_phone"}
    assert "I、O、Z、S、V" in errors["uscc"]
    assert errors["name"] == "请填写单位名称"


def test_a_place_outside_the_jurisdiction_is_refused(make_staff, places):
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    with pytest.raises(DomainError) as exc:
        make_employer(officer, places.village_b1)
    assert errors_of(exc)["region_code"] == "所选所在地不存在或不在您的辖区内"


def test_duplicate_code_names_the_record_inside_and_nothing_outside(make_staff, places):
    officer_a = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    officer_b = make_staff(Role.TOWNSHIP_OFFICER, places.township_b)
    first = make_employer(officer_a, places.village_a1)
    with pytest.raises(DomainError) as inside:
        make_employer(officer_a, places.village_a2, uscc=first.uscc)
    assert inside.value.errors[0].existing_id == first.pk
    with pytest.raises(DomainError) as outside:
        make_employer(officer_b, places.village_b1, uscc=first.uscc)
    assert outside.value.errors[0].existing_id is None
    assert first.name not in outside.value.errors[0].message


def test_update_changes_only_the_named_fields_and_audits_the_phone_masked(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(officer, places.village_a1, address="旧地址")
    services.employer_update(
        actor=officer,
        employer=employer,
        data=services.EmployerInput(name="新名称有限公司", contact_phone="0739-7654321"),
        fields={"name", "contact_phone"},
    )
    employer.refresh_from_db()
    assert (employer.name, employer.address) == ("新名称有限公司", "旧地址")
    assert services.employer_contact_reveal(actor=officer, employer=employer, reason="核对") == "0739-7654321"
    row = ChangeLog.objects.filter(action="update", target_id=str(employer.pk)).get()
    assert row.changes["contact_phone"] == ["138****1234", "0739-****321"]
    with pytest.raises(DomainError):
        services.employer_update(
            actor=officer, employer=employer, data=services.EmployerInput(), fields={"verification"}
        )


def test_verification_gates_publishing_and_a_rejection_needs_a_reason(make_staff, places):
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    employer = make_employer(officer, places.village_a1)
    with pytest.raises(DomainError) as exc:
        services.employer_verify(actor=officer, employer=employer, approve=False, reason="")
    assert "原因" in errors_of(exc)["reason"]
    services.employer_verify(actor=officer, employer=employer, approve=False, reason="营业执照已注销")
    assert not rules.employer_can_publish(employer)
    assert "审核未通过" in (rules.publish_refusal(employer) or "")
    services.employer_verify(actor=officer, employer=employer, approve=True)
    employer.refresh_from_db()
    assert rules.employer_can_publish(employer)
    assert (employer.verified_by, employer.verification_reason) == (officer, "")
    assert rules.publish_refusal(employer) is None


def test_only_officers_verify(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(officer, places.village_a1)
    with pytest.raises(PermissionDenied):
        services.employer_verify(
            actor=make_staff(Role.SPECIALIST, places.county), employer=employer, approve=True
        )
    with pytest.raises(NotFound):
        services.employer_verify(
            actor=make_staff(Role.TOWNSHIP_OFFICER, places.township_b), employer=employer, approve=True
        )


def test_key_enterprise_and_specialist_whose_jurisdiction_covers_the_employer(make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(county, places.village_a1)
    specialist = make_staff(Role.SPECIALIST, places.township_a)
    elsewhere = make_staff(Role.SPECIALIST, places.township_b)
    manager = make_staff(Role.MANAGER, places.county)
    assert set(selectors.specialist_choices(actor=county, employer=employer)) >= {specialist, county}
    assert elsewhere not in selectors.specialist_choices(actor=county, employer=employer)
    for wrong, message in ((elsewhere, "不包括该单位所在地"), (manager, "不是就业服务专员")):
        with pytest.raises(DomainError) as exc:
            services.employer_key_enterprise_set(
                actor=county, employer=employer, is_key_enterprise=True, specialist=wrong
            )
        assert message in errors_of(exc)["specialist"]
    services.employer_key_enterprise_set(
        actor=county, employer=employer, is_key_enterprise=True, specialist=specialist
    )
    employer.refresh_from_db()
    assert employer.is_key_enterprise and employer.specialist == specialist
    with pytest.raises(PermissionDenied):  # township officers do not designate key enterprises
        services.employer_key_enterprise_set(
            actor=make_staff(Role.TOWNSHIP_OFFICER, places.township_a),
            employer=employer,
            is_key_enterprise=False,
            specialist=None,
        )


def test_a_specialist_changes_and_surveys_only_the_employers_they_serve(make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    specialist = make_staff(Role.SPECIALIST, places.county)
    served = make_employer(county, places.village_a1)
    other = make_employer(county, places.village_a2)
    services.employer_key_enterprise_set(
        actor=county, employer=served, is_key_enterprise=True, specialist=specialist
    )
    services.employer_update(
        actor=specialist,
        employer=served,
        data=services.EmployerInput(address="工业园1号"),
        fields={"address"},
    )
    with pytest.raises(PermissionDenied):
        services.employer_update(
            actor=specialist, employer=other, data=services.EmployerInput(address="x"), fields={"address"}
        )
    line = services.DemandLineInput(occupation_code=WELDER, headcount=5)
    services.demand_survey_create(
        actor=specialist, employer=served, surveyed_on=dt.date.today(), lines=[line]
    )
    with pytest.raises(PermissionDenied):
        services.demand_survey_create(
            actor=specialist, employer=other, surveyed_on=dt.date.today(), lines=[line]
        )
    with pytest.raises(PermissionDenied):
        services.employer_update(
            actor=make_staff(Role.MANAGER, places.county),
            employer=served,
            data=services.EmployerInput(address="x"),
            fields={"address"},
        )


def test_demand_survey_lines_are_checked_and_totalled(make_staff, places):
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    employer = make_employer(officer, places.village_a1)
    today = dt.date.today()
    with pytest.raises(DomainError) as exc:
        services.demand_survey_create(
            actor=officer,
            employer=employer,
            surveyed_on=today,
            lines=[
                services.DemandLineInput(occupation_code="9-99-99-99", headcount=1),
                services.DemandLineInput(occupation_code=COOK, headcount=0),
                services.DemandLineInput(
                    occupation_code=WELDER, headcount=2, wanted_by=today - dt.timedelta(days=1)
                ),
            ],
        )
    errors = errors_of(exc)
    assert "不在职业分类大典" in errors["lines.0.occupation_code"]
    assert "1到100000" in errors["lines.1.headcount"]
    assert "不能早于调查日期" in errors["lines.2.wanted_by"]
    with pytest.raises(DomainError) as empty:
        services.demand_survey_create(actor=officer, employer=employer, surveyed_on=today, lines=[])
    assert "至少填写一行" in errors_of(empty)["lines"]
    survey = services.demand_survey_create(
        actor=officer,
        employer=employer,
        surveyed_on=today,
        lines=[
            services.DemandLineInput(
                occupation_code=COOK, headcount=3, wanted_by=today + dt.timedelta(days=30)
            ),
            services.DemandLineInput(occupation_code=WELDER, headcount=12, note="持焊工证"),
        ],
    )
    (listed,) = selectors.demand_survey_list(actor=officer)
    assert listed.pk == survey.pk and listed.total_headcount == 15
    assert [line.occupation_code for line in listed.lines.all()] == [COOK, WELDER]
    assert not selectors.demand_survey_list(
        actor=make_staff(Role.TOWNSHIP_OFFICER, places.township_b)
    ).exists()
    assert ChangeLog.objects.filter(target_type="employers.demandsurvey", target_id=str(survey.pk)).exists()
    assert DemandSurvey.objects.count() == 1


def test_list_filters_and_scoping(make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    a = make_employer(county, places.village_a1, name="绥宁竹木加工有限公司", contact_phone="13900000001")
    b = make_employer(county, places.village_b1, name="绥宁茶业合作社")
    services.employer_verify(actor=county, employer=b, approve=True)
    find = selectors.EmployerFilters
    assert list(selectors.employer_list(actor=county, filters=find(q="竹木"))) == [a]
    assert list(selectors.employer_list(actor=county, filters=find(q=a.uscc.lower()))) == [a]
    assert list(selectors.employer_list(actor=county, filters=find(q="139 0000 0001"))) == [a]
    assert list(selectors.employer_list(actor=county, filters=find(verification="verified"))) == [b]
    assert list(selectors.employer_list(actor=county, filters=find(region=places.township_b))) == [b]
    township_a = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    assert list(selectors.employer_list(actor=township_a)) == [a]
    assert selectors.employer_get(actor=township_a, pk=b.pk) is None
    assert not selectors.employer_list(actor=township_a, filters=find(region=places.township_b)).exists()


def test_the_auditor_reads_every_employer_write_in_words(make_staff, places):
    from openpes.audit.presenters import present_changes

    county = make_staff(Role.COUNTY_OFFICER, places.county)
    specialist = make_staff(Role.SPECIALIST, places.county)
    employer = make_employer(county, places.village_a1, industry_code="18", size="2")
    services.employer_verify(actor=county, employer=employer, approve=False, reason="执照已过期")
    services.employer_key_enterprise_set(
        actor=county, employer=employer, is_key_enterprise=True, specialist=specialist
    )
    services.demand_survey_create(
        actor=county,
        employer=employer,
        surveyed_on=dt.date.today(),
        lines=[services.DemandLineInput(occupation_code=COOK, headcount=4)],
    )
    entries = present_changes(ChangeLog.objects.order_by("pk"), actor=make_staff(Role.AUDITOR, places.county))
    text = "\n".join(str(vars(entry)) for entry in entries)
    assert "用人单位" in text and employer.name in text
    assert "未通过" in text and "中型" in text and specialist.full_name in text
    assert "13807391234" not in text
