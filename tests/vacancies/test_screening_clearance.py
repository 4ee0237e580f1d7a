"""核实排除: a reviewer clears a blocking screening flag that is a mistake of the rules, with a written
reason. The clearance is kept, audited and shown (to the employer without the reviewer's name); it lets
the vacancy be submitted and approved; it holds while the matched text, its clause and the title stay the
same, and an edit that changes them or brings a new match raises the flag again. Every refusal changes
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.test import Client

from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.core.errors import DomainError, NotFound
from openpes.employers.models import EmployerAccount
from openpes.regions.models import Region, RegionLevel
from openpes.vacancies import rules, services
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import ScreeningClearance, Vacancy
from tests.vacancies.pool import make_vacancy, verified_employer

pytestmark = pytest.mark.django_db

# 国家综合性消防救援队伍 recruits men only under its own national rules: a lawful restriction the
# screening cannot tell from discrimination.
FIREFIGHTER = {"title": "专职消防员", "description": "限男性，需登高作业。负责辖区火灾扑救"}
PORTAL_PASSWORD = "Employer#Pass-2026"
REASON = "国家综合性消防救援队伍消防员招录规定限男性，属国家另有规定的情形"


def errors_of(exc: pytest.ExceptionInfo[DomainError]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


def gender_flag(vacancy: Vacancy) -> dict[str, Any]:
    return next(f for f in vacancy.screening_flags if f["code"] == "gender.restricted")


@pytest.fixture
def setting(make_staff: Any, places: Any) -> dict[str, Any]:
    clerk = make_staff(Role.COUNTY_OFFICER, places.county)
    reviewer = make_staff(Role.COUNTY_OFFICER, places.county)
    reviewer.full_name = "张三"
    reviewer.save(update_fields=["full_name"])
    employer = verified_employer(clerk, places.village_b1)
    vacancy = make_vacancy(clerk, employer, **FIREFIGHTER)
    assert gender_flag(vacancy)["severity"] == "block"
    return {"clerk": clerk, "reviewer": reviewer, "employer": employer, "vacancy": vacancy}


def third_township(places: Any) -> str:
    """A township neither the work place (长铺镇) nor the employer's is in."""
    townships = Region.objects.filter(parent_code=places.county, level=RegionLevel.TOWNSHIP)
    return townships.exclude(code__in=[places.township_a, places.township_b]).order_by("code")[0].code


def clear(setting: dict[str, Any], reason: str = REASON, **kwargs: Any) -> ScreeningClearance:
    vacancy = kwargs.pop("vacancy", setting["vacancy"])
    return services.vacancy_clear_flag(
        actor=kwargs.pop("actor", setting["reviewer"]),
        vacancy=vacancy,
        flag_ref=kwargs.pop("flag_ref", None) or rules.flag_ref(gender_flag(vacancy)),
        reason=reason,
    )


def edit(setting: dict[str, Any], **fields: str) -> Vacancy:
    vacancy: Vacancy = setting["vacancy"]
    return services.vacancy_update(
        actor=setting["clerk"], vacancy=vacancy, data=services.VacancyInput(**fields), fields=set(fields)
    )


def test_a_cleared_flag_is_kept_audited_and_lets_the_vacancy_be_submitted_and_approved(setting):
    vacancy, clerk, reviewer = setting["vacancy"], setting["clerk"], setting["reviewer"]
    with pytest.raises(DomainError):
        services.vacancy_submit(actor=clerk, vacancy=vacancy)
    clearance = clear(setting)
    assert (clearance.code, clearance.field, clearance.text) == ("gender.restricted", "description", "限男性")
    assert clearance.clause == "限男性" and clearance.title == "专职消防员"
    assert clearance.cleared_by == reviewer and clearance.reason == REASON and clearance.lapsed_at is None
    vacancy.refresh_from_db()
    flag = gender_flag(vacancy)
    assert flag["severity"] == "block" and flag["cleared"]["by"] == "张三"
    assert flag["cleared"]["reason"] == REASON and flag["cleared"]["id"] == clearance.pk
    assert rules.blocking_flags(vacancy.screening_flags) == []
    log = ChangeLog.objects.filter(target_type="vacancies.vacancy", target_id=str(vacancy.pk)).latest("id")
    assert log.actor_id == reviewer.pk and "核实排除筛查提示“限男性”" in log.summary
    assert log.changes["screening_clearance"]["reason"] == REASON
    services.vacancy_submit(actor=clerk, vacancy=vacancy)
    services.vacancy_review(actor=reviewer, vacancy=vacancy, approve=True)
    assert vacancy.status == VacancyStatus.PUBLISHED


def test_each_refusal_says_why_in_chinese_and_changes_nothing(setting, make_staff, places):
    vacancy, clerk = setting["vacancy"], setting["clerk"]
    before = list(vacancy.screening_flags)

    with pytest.raises(DomainError) as exc:  # separation: the clerk who entered it
        clear(setting, actor=clerk)
    assert "您登记了这个岗位" in errors_of(exc)["flag"]
    with pytest.raises(PermissionDenied):  # a specialist enters vacancies but does not review
        clear(setting, actor=make_staff(Role.SPECIALIST, places.county))
    with pytest.raises(NotFound):  # a reviewer of another township does not see it
        clear(setting, actor=make_staff(Role.TOWNSHIP_OFFICER, third_township(places)))
    for short in ("", "  没问题  ", "法规允许限男性"):
        with pytest.raises(DomainError) as exc:
            clear(setting, reason=short)
        assert "至少10个字" in errors_of(exc)["reason"]
    with pytest.raises(DomainError) as exc:
        clear(setting, reason="<script>理由理由理由理由理由</script>")
    assert "网页代码" in errors_of(exc)["reason"]
    with pytest.raises(DomainError) as exc:  # a page shown before an edit moved the hit
        clear(setting, flag_ref="gender.restricted@description:5-8")
    assert "已不存在" in errors_of(exc)["flag"]
    age = make_vacancy(clerk, setting["employer"], description="年龄35岁以下")
    review_flag = age.screening_flags[0]
    assert review_flag["severity"] == "review"
    with pytest.raises(DomainError) as exc:
        clear(setting, vacancy=age, flag_ref=rules.flag_ref(review_flag))
    assert "只有“须修改”的提示需要核实排除" in errors_of(exc)["flag"]
    assert ScreeningClearance.objects.count() == 0
    vacancy.refresh_from_db()
    assert vacancy.screening_flags == before

    clear(setting)
    with pytest.raises(DomainError) as exc:
        clear(setting, flag_ref=rules.flag_ref(gender_flag(vacancy)))
    assert "已核实排除" in errors_of(exc)["flag"]
    services.vacancy_withdraw(actor=clerk, vacancy=vacancy)
    with pytest.raises(DomainError) as exc:
        clear(setting)
    assert "只有草稿、待审核或未通过审核的岗位" in errors_of(exc)["flag"]
    assert ScreeningClearance.objects.count() == 1


def test_an_employer_account_never_clears_and_a_portal_posting_is_cleared_by_any_reviewer(setting):
    employer = setting["employer"]
    account = EmployerAccount.objects.create(
        employer=employer, login_name=employer.uscc, password="x", claimed_name=employer.name
    )
    # Another shift, so that it is a vacancy of its own (the same text would be merged into the clerk's).
    posted = make_vacancy(account, **{**FIREFIGHTER, "description": "限男性，夜班值守，负责辖区火灾扑救"})
    assert posted.created_by is None and posted.pk != setting["vacancy"].pk
    with pytest.raises(PermissionDenied):
        clear(setting, actor=account, vacancy=posted)
    # The clerk who entered *another* vacancy of the employer may clear the one the account posted.
    clearance = clear(setting, actor=setting["clerk"], vacancy=posted)
    assert clearance.vacancy == posted


def test_the_clearance_holds_while_the_matched_text_is_unchanged(setting):
    vacancy = setting["vacancy"]
    clearance = clear(setting)
    edit(setting, pay_text="6000-8000元/月")
    edit(setting, description="限男性，需登高作业。负责辖区火灾扑救和抢险救援，五险一金")
    assert rules.blocking_flags(vacancy.screening_flags) == []
    assert gender_flag(vacancy)["cleared"]["id"] == clearance.pk
    clearance.refresh_from_db()
    assert clearance.lapsed_at is None
    vacancy.refresh_from_db()
    assert gender_flag(vacancy)["cleared"]["id"] == clearance.pk


@pytest.mark.parametrize(
    "change",
    [
        {"description": "仅限男性，需登高作业。负责辖区火灾扑救"},  # the matched text changed
        {"description": "限男性青年，需登高作业。负责辖区火灾扑救"},  # its clause changed
        {"title": "仓库文员"},  # another job: the reviewer judged the firefighter's
    ],
    ids=["matched-text", "clause", "title"],
)
def test_an_edit_of_the_matched_text_raises_the_flag_again_for_good(setting, change):
    vacancy = setting["vacancy"]
    clearance = clear(setting)
    services.vacancy_submit(actor=setting["clerk"], vacancy=vacancy)
    services.vacancy_review(actor=setting["reviewer"], vacancy=vacancy, approve=True)
    edit(setting, **change)
    assert rules.blocking_flags(vacancy.screening_flags), "the flag blocks again"
    assert vacancy.status == VacancyStatus.DRAFT, "a published vacancy goes back to the drafts"
    clearance.refresh_from_db()
    assert clearance.lapsed_at is not None
    log = ChangeLog.objects.filter(target_type="vacancies.vacancy", target_id=str(vacancy.pk)).latest("id")
    assert log.changes["clearances_lapsed"] == [clearance.pk]
    # Changed back, the text is blocked still: a lapsed clearance never comes back by itself.
    edit(setting, **{name: FIREFIGHTER[name] for name in change})
    assert rules.blocking_flags(vacancy.screening_flags)
    with pytest.raises(DomainError):
        services.vacancy_submit(actor=setting["clerk"], vacancy=vacancy)


def test_a_new_match_added_by_an_edit_blocks_although_the_old_one_stays_cleared(setting):
    vacancy = setting["vacancy"]
    clear(setting)
    edit(setting, description=FIREFIGHTER["description"] + "。已婚已育优先")
    blocking = rules.blocking_flags(vacancy.screening_flags)
    assert [f["code"] for f in blocking] == ["marriage.childbearing"]
    assert gender_flag(vacancy).get("cleared")
    # The same words written a second time in another clause are a new match as well.
    edit(setting, description=FIREFIGHTER["description"] + "。性别要求：限男性青年")
    assert [f["text"] for f in rules.blocking_flags(vacancy.screening_flags)] == ["限男性"]


def test_the_clause_is_cut_at_sentence_punctuation_and_bounded():
    texts = {"description": "负责扑救，限男性青年；需登高", "title": "消防员"}
    flag = {"code": "gender.restricted", "field": "description", "start": 5, "end": 8, "text": "限男性"}
    assert rules.flag_clause(flag, texts) == "限男性青年"
    long = "甲" * 200 + "限男性" + "乙" * 200
    flag_long = {**flag, "start": 200, "end": 203}
    assert rules.flag_clause(flag_long, {"description": long}) == "甲" * 60 + "限男性" + "乙" * 60
    assert rules.clearance_key(flag, texts)[3:] == ("限男性青年", "消防员")
    assert rules.flag_clause(
        {"code": "fraud.pay_far_above_rate", "field": "pay", "text": "30000"}, texts
    ) == ("30000")


# --- the pages ---------------------------------------------------------------------------------------


def test_the_staff_pages_show_the_clearance_and_the_form_refuses_a_short_reason(setting, login_as):
    vacancy, reviewer = setting["vacancy"], setting["reviewer"]
    client = login_as(staff=reviewer)
    page = client.get(f"/vacancies/{vacancy.pk}/").content.decode()
    assert 'id="clear-flag"' in page and "核实排除理由" in page
    ref = rules.flag_ref(gender_flag(vacancy))
    response = client.post(f"/vacancies/{vacancy.pk}/clear-flag/", {"flag": ref, "reason": "没问题"})
    assert response.status_code == 422 and "至少10个字" in response.content.decode()
    assert ScreeningClearance.objects.count() == 0
    response = client.post(f"/vacancies/{vacancy.pk}/clear-flag/", {"flag": ref, "reason": REASON})
    assert response.status_code == 302
    page = client.get(f"/vacancies/{vacancy.pk}/").content.decode()
    assert "已核实排除" in page and "已由 张三 于 " in page and f"核实排除：{REASON}" in page
    vacancy.refresh_from_db()
    services.vacancy_submit(actor=setting["clerk"], vacancy=vacancy)
    queue = client.get("/vacancies/review/").content.decode()
    assert "“限男性”已由 张三 于 " in queue and REASON in queue
    misfires = client.get("/vacancies/screening/clearances/").content.decode()
    assert 'data-rule="gender.restricted"' in misfires and REASON in misfires and "限男性" in misfires


def test_the_clearances_page_shows_only_the_jurisdictions(setting, login_as, places):
    clear(setting)
    elsewhere = login_as(Role.TOWNSHIP_OFFICER, third_township(places))
    page = elsewhere.get("/vacancies/screening/clearances/").content.decode()
    assert "还没有核实排除的筛查提示" in page and REASON not in page
    here = login_as(Role.TOWNSHIP_OFFICER, places.township_b).get("/vacancies/screening/clearances/")
    assert REASON in here.content.decode()


def test_the_clerk_who_entered_it_is_told_to_ask_another_reviewer(setting, login_as):
    vacancy = setting["vacancy"]
    client = login_as(staff=setting["clerk"])
    page = client.get(f"/vacancies/{vacancy.pk}/").content.decode()
    assert "您登记了这个岗位，不能由您核实排除" in page
    ref = rules.flag_ref(gender_flag(vacancy))
    response = client.post(f"/vacancies/{vacancy.pk}/clear-flag/", {"flag": ref, "reason": REASON})
    assert response.status_code == 422 and "您登记了这个岗位" in response.content.decode()
    assert ScreeningClearance.objects.count() == 0


def test_a_reader_without_the_review_permission_cannot_post_a_clearance(setting, login_as, places):
    vacancy = setting["vacancy"]
    client = login_as(Role.MANAGER, places.county)
    assert 'id="clear-flag"' not in client.get(f"/vacancies/{vacancy.pk}/").content.decode()
    ref = rules.flag_ref(gender_flag(vacancy))
    response = client.post(f"/vacancies/{vacancy.pk}/clear-flag/", {"flag": ref, "reason": REASON})
    assert response.status_code == 403
    assert ScreeningClearance.objects.count() == 0


def test_the_employer_sees_the_office_cleared_it_without_the_reviewers_name(setting):
    employer = setting["employer"]
    account = EmployerAccount.objects.create(
        employer=employer,
        login_name=employer.uscc,
        password=make_password(PORTAL_PASSWORD),
        claimed_name=employer.name,
    )
    posted = make_vacancy(account, **FIREFIGHTER)
    client = Client()
    signed_in = client.post(
        "/jobs/employer/login/", {"login_name": employer.uscc, "password": PORTAL_PASSWORD}
    )
    assert signed_in.status_code == 302
    page = client.get(f"/jobs/employer/vacancies/{posted.pk}/").content.decode()
    assert 'id="submit-refusal"' in page and "联系当地公共就业服务机构核实" in page
    clear(setting, vacancy=posted)
    page = client.get(f"/jobs/employer/vacancies/{posted.pk}/").content.decode()
    assert "已由 公共就业服务机构 于 " in page and REASON in page
    assert "张三" not in page and 'id="submit-refusal"' not in page
    client.post(f"/jobs/employer/vacancies/{posted.pk}/submit/")
    posted.refresh_from_db()
    assert posted.status == VacancyStatus.PENDING_REVIEW
