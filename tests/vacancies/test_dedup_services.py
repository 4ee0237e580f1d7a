"""Dedup in the services: every vacancy keeps its sources; a word-for-word repeat from another channel is
merged at intake, a probable duplicate is marked for staff, who merge it (across employers refused, scoped,
audited, the duplicate leaves the search) or dismiss the suggestion; re-posts of closed vacancies are
linked; `dedup_scan` finds duplicates already in the pool."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.core.errors import DomainError, NotFound
from openpes.employers import services as employer_services
from openpes.employers.models import Employer, EmployerAccount
from openpes.vacancies import search, services
from openpes.vacancies.choices import Channel, VacancyStatus
from openpes.vacancies.models import DuplicateCandidate, DuplicateStatus, Vacancy, VacancySource
from tests.vacancies.pool import COOK_POSTING, make_vacancy, verified_employer

pytestmark = pytest.mark.django_db

# COOK_POSTING as another channel sends it: other punctuation, spacing, headcount and validity.
COOK_AGAIN = {
    **COOK_POSTING,
    "description": "负责湘菜烹饪 , 包吃住 。",
    "headcount": 5,
    "valid_until": timezone.localdate() + dt.timedelta(days=90),
}
LONG_COOK = {
    **COOK_POSTING,
    "description": "负责湘菜的烹饪制作，保证菜品质量；做好厨房卫生和食品安全工作；服从厨师长安排。"
    "有两年以上湘菜馆工作经验，能吃苦耐劳。包吃住，月休四天。",
}


def intake(actor: Any, employer: Employer | None = None, **fields: Any) -> services.Intake:
    data = services.VacancyInput(**{**COOK_POSTING, **fields})
    return services.vacancy_intake(actor=actor, employer=employer, data=data)


def intake_via(
    actor: Any, employer: Employer | None, channel: str, ref: str = "", **fields: Any
) -> services.Intake:
    data = services.VacancyInput(**{**COOK_POSTING, **fields})
    return services.vacancy_intake(
        actor=actor, employer=employer, data=data, channel=channel, external_ref=ref
    )


def portal_account(employer: Employer) -> EmployerAccount:
    return EmployerAccount.objects.create(
        employer=employer, login_name=employer.uscc, password="x", claimed_name=employer.name
    )


def published(officer: Any, vacancy: Vacancy) -> Vacancy:
    services.vacancy_submit(actor=officer, vacancy=vacancy)
    return services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)


def found_by_search(q: str) -> list[int]:
    return search.search(search.SearchQuery(q=q)).ids


def test_every_vacancy_gets_its_first_source(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    vacancy = make_vacancy(officer, employer)
    (source,) = vacancy.sources.all()
    assert (source.channel, source.title, source.description) == (
        Channel.STAFF,
        "中餐厨师",
        COOK_POSTING["description"],
    )
    assert (
        source.created_by == officer and source.headcount == 2 and source.valid_until == vacancy.valid_until
    )
    assert source.merged_from is None and source.received_at is not None


def test_a_word_for_word_repeat_from_another_channel_becomes_a_source(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    first = published(officer, make_vacancy(officer, employer))
    valid_until = first.valid_until
    account = portal_account(employer)
    result = services.vacancy_intake(actor=account, data=services.VacancyInput(**COOK_AGAIN))
    assert result.merged and result.vacancy.pk == first.pk
    assert result.message == f"该岗位与已有岗位#{first.pk}重复，已合并为同一岗位的来源"
    assert Vacancy.objects.filter(employer=employer).count() == 1
    first.refresh_from_db()
    # The vacancy stays as it was: text, state, validity.
    assert first.status == VacancyStatus.PUBLISHED and first.valid_until == valid_until
    assert first.description == COOK_POSTING["description"]
    staff_source, portal_source = first.sources.order_by("id")
    assert (staff_source.channel, portal_source.channel) == (Channel.STAFF, Channel.PORTAL)
    assert portal_source.description == COOK_AGAIN["description"] and portal_source.headcount == 5
    assert portal_source.posted_by_account == account and portal_source.created_by is None
    assert "收到时自动合并" in portal_source.note and "文字相同" in portal_source.note
    log = ChangeLog.objects.filter(target_type="vacancies.vacancy", target_id=str(first.pk)).latest("id")
    assert (
        log.summary.startswith("收到重复岗位，合并为来源") and log.actor_name == f"单位账号 {employer.uscc}"
    )
    # A partner system sends it too, with its own number: a third source.
    again = intake_via(officer, employer, Channel.PARTNER, ref="HR-2026-0042")
    assert again.merged and again.vacancy.pk == first.pk
    assert first.sources.get(channel=Channel.PARTNER).external_ref == "HR-2026-0042"
    # The old entry point gives the vacancy the posting was merged into.
    assert (
        services.vacancy_create(
            actor=officer, employer=employer, channel=Channel.FILE, data=services.VacancyInput(**COOK_AGAIN)
        )
        == first
    )
    assert first.sources.count() == 4


def test_a_repeat_through_the_same_channel_is_only_marked(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    first = make_vacancy(officer, employer)
    result = intake(officer, employer, description=COOK_AGAIN["description"])
    assert not result.merged and result.vacancy.pk != first.pk
    (candidate,) = result.duplicates
    assert candidate.other == first and candidate.certain and candidate.score == 1.0
    assert candidate.status == DuplicateStatus.OPEN and candidate.reasons.startswith("同一单位、职位名称相同")
    assert result.message == f"该岗位可能与已有岗位#{first.pk}重复，经办人员审核时将核对"
    log = ChangeLog.objects.get(target_id=str(result.vacancy.pk), action="create")
    assert log.changes["duplicate_candidates"] == [first.pk]


def test_a_probable_duplicate_is_marked_and_a_look_alike_is_not(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    first = make_vacancy(officer, employer, **LONG_COOK)
    changed = LONG_COOK["description"].replace("月休四天", "月休四天，节假日三倍工资")
    probable = intake_via(officer, employer, Channel.FILE, description=changed)
    assert not probable.merged  # not word for word: staff decide
    (candidate,) = probable.duplicates
    assert candidate.other == first and not candidate.certain and 0.8 <= candidate.score < 1
    assert f"描述相似度 {candidate.score:.2f}" in candidate.reasons
    other_pay = intake_via(officer, employer, Channel.FILE, **{**LONG_COOK, "pay_text": "8000-10000元/月"})
    assert other_pay.duplicates == () and not other_pay.merged
    other_dish = intake_via(officer, employer, Channel.FILE, description="负责早餐面点制作，凌晨五点上班")
    assert other_dish.duplicates == ()
    elsewhere = intake_via(officer, employer, Channel.FILE, **{**LONG_COOK, "place_text": "新宁县"})
    assert elsewhere.duplicates == () and not elsewhere.merged


def test_another_employers_posting_is_never_compared(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    mine = verified_employer(officer, places.village_b1)
    theirs = verified_employer(officer, places.village_b1)
    first = make_vacancy(officer, mine)
    result = services.vacancy_intake(actor=portal_account(theirs), data=services.VacancyInput(**COOK_AGAIN))
    assert not result.merged and result.duplicates == () and result.vacancy.employer == theirs
    assert first.sources.count() == 1 and result.message == ""


def test_staff_merge_a_duplicate_which_leaves_the_search(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    keep = published(officer, make_vacancy(officer, employer, **LONG_COOK))
    dup = intake_via(
        officer, employer, Channel.FILE, description=LONG_COOK["description"] + "欢迎退伍军人。"
    ).vacancy
    published(officer, dup)
    assert set(found_by_search("厨师")) == {keep.pk, dup.pk}
    services.vacancy_merge(actor=officer, keep=keep, duplicate=dup, reason="同一岗位两处登记")
    dup.refresh_from_db()
    assert dup.status == VacancyStatus.WITHDRAWN and dup.merged_into == keep
    assert dup.status_reason == f"与岗位#{keep.pk}重复，已合并：同一岗位两处登记"
    assert found_by_search("厨师") == [keep.pk]
    sources = list(keep.sources.order_by("id"))
    assert [s.channel for s in sources] == [Channel.STAFF, Channel.FILE]
    assert sources[1].merged_from == dup and "欢迎退伍军人" in sources[1].description
    candidate = DuplicateCandidate.objects.get(vacancy=dup, other=keep)
    assert candidate.status == DuplicateStatus.MERGED and candidate.decided_by == officer
    summaries = set(ChangeLog.objects.filter(action="update").values_list("summary", flat=True))
    assert any(s.startswith(f"合并重复岗位到#{keep.pk}") for s in summaries)
    assert any(s.startswith(f"合并重复岗位#{dup.pk}到") for s in summaries)
    with pytest.raises(DomainError) as exc:
        services.vacancy_merge(actor=officer, keep=keep, duplicate=dup)
    assert exc.value.errors[0].message == f"岗位#{dup.pk}已合并到岗位#{keep.pk}"
    with pytest.raises(DomainError) as exc:
        services.vacancy_merge(actor=officer, keep=dup, duplicate=keep)
    assert "已合并到岗位" in exc.value.errors[0].message


def test_merging_is_refused_across_employers_and_outside_the_jurisdiction(make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(county, places.village_b1)
    other_employer = verified_employer(county, places.village_b1)
    a = make_vacancy(county, employer, place_text="")
    b = make_vacancy(county, employer, place_text="")
    theirs = make_vacancy(county, other_employer, place_text="")
    with pytest.raises(DomainError) as exc:
        services.vacancy_merge(actor=county, keep=a, duplicate=theirs)
    assert exc.value.errors[0].message.startswith("只能合并同一单位的岗位")
    with pytest.raises(DomainError) as exc:
        services.vacancy_merge(actor=county, keep=a, duplicate=a)
    assert exc.value.errors[0].message == "不能把岗位合并到它自己"
    elsewhere = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)  # the employer is in township b
    with pytest.raises(NotFound):
        services.vacancy_merge(actor=elsewhere, keep=a, duplicate=b)
    with pytest.raises(PermissionDenied):
        services.vacancy_merge(actor=make_staff(Role.MANAGER, places.county), keep=a, duplicate=b)
    with pytest.raises(PermissionDenied):  # a specialist of another employer
        services.vacancy_merge(actor=make_staff(Role.SPECIALIST, places.county), keep=a, duplicate=b)
    with pytest.raises(DomainError) as exc:
        services.vacancy_merge(actor=county, keep=a, duplicate=b, reason="<b>")
    assert exc.value.errors[0].field == "reason"
    for vacancy in (a, b, theirs):
        vacancy.refresh_from_db()
        assert vacancy.status == VacancyStatus.DRAFT and vacancy.merged_into is None
    services.vacancy_withdraw(actor=county, vacancy=b)
    with pytest.raises(DomainError) as exc:
        services.vacancy_merge(actor=county, keep=a, duplicate=b)
    assert "已撤回或已过期，不需要合并" in exc.value.errors[0].message
    served_by = make_staff(Role.SPECIALIST, places.county)
    employer_services.employer_key_enterprise_set(
        actor=county, employer=employer, is_key_enterprise=True, specialist=served_by
    )
    c = make_vacancy(county, employer, place_text="")
    employer.refresh_from_db()
    a.employer, c.employer = employer, employer
    services.vacancy_merge(actor=served_by, keep=a, duplicate=c)
    assert Vacancy.objects.get(pk=c.pk).merged_into_id == a.pk


def test_staff_dismiss_a_suggestion_which_is_not_made_again(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    first = make_vacancy(officer, employer, place_text="")  # filed under the employer, in township b
    second = intake(officer, employer, place_text="")
    (candidate,) = second.duplicates
    with pytest.raises(PermissionDenied):
        services.duplicate_dismiss(actor=make_staff(Role.MANAGER, places.county), candidate=candidate)
    with pytest.raises(NotFound):
        services.duplicate_dismiss(
            actor=make_staff(Role.TOWNSHIP_OFFICER, places.township_a), candidate=candidate
        )
    services.duplicate_dismiss(actor=officer, candidate=candidate, note="两个班次，各招两人")
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DISMISSED and candidate.decided_by == officer
    assert candidate.note == "两个班次，各招两人" and candidate.decided_at is not None
    with pytest.raises(DomainError) as exc:
        services.duplicate_dismiss(actor=officer, candidate=candidate)
    assert exc.value.errors[0].message == "该提示已处理"
    # A change of the text compares again, but the dismissed pair stays dismissed.
    services.vacancy_update(
        actor=officer,
        vacancy=second.vacancy,
        data=services.VacancyInput(**COOK_AGAIN),
        fields={"description"},
    )
    assert list(DuplicateCandidate.objects.values_list("vacancy_id", "other_id", "status")) == [
        (second.vacancy.pk, first.pk, DuplicateStatus.DISMISSED)
    ]


def test_a_change_that_makes_or_unmakes_a_duplicate_updates_the_suggestions(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    first = make_vacancy(officer, employer, **LONG_COOK)
    other = make_vacancy(officer, employer, description="负责早餐面点制作，凌晨五点上班")
    assert not DuplicateCandidate.objects.exists()
    services.vacancy_update(
        actor=officer,
        vacancy=other,
        data=services.VacancyInput(description=LONG_COOK["description"]),
        fields={"description"},
    )
    assert list(DuplicateCandidate.objects.values_list("vacancy_id", "other_id")) == [(other.pk, first.pk)]
    services.vacancy_update(
        actor=officer,
        vacancy=other,
        data=services.VacancyInput(description="负责夜宵烧烤"),
        fields={"description"},
    )
    assert not DuplicateCandidate.objects.exists()


def test_a_repost_of_a_closed_vacancy_is_linked(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    old = published(officer, make_vacancy(officer, employer))
    Vacancy.objects.filter(pk=old.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=3))
    assert services.vacancies_expire() == 1
    result = intake(officer, employer, pay_text="4500-6200元/月")
    assert not result.merged and result.duplicates == ()
    assert result.vacancy.reposts == old == result.reposts
    assert result.message == f"已关联为岗位#{old.pk}（已过期）的重新发布"
    assert list(old.reposted_as.all()) == [result.vacancy]
    withdrawn = make_vacancy(officer, employer, title="面点师", description="负责早餐面点制作")
    services.vacancy_withdraw(actor=officer, vacancy=withdrawn, reason="暂停招聘")
    again = intake(officer, employer, title="面点师", description="负责早餐面点制作。")
    assert again.reposts == withdrawn
    log = ChangeLog.objects.get(target_id=str(again.vacancy.pk), action="create")
    assert log.changes["reposts"] == withdrawn.pk


def test_the_scan_finds_duplicates_in_the_pool_and_merges_the_certain(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    first = make_vacancy(officer, employer, **LONG_COOK)
    # Entered before dedup existed: another channel, the same text, nothing marked.
    copy = make_vacancy(officer, employer, title="后来改的", description="x")
    Vacancy.objects.filter(pk=copy.pk).update(
        title=LONG_COOK["title"], description=LONG_COOK["description"], channel=Channel.FILE
    )
    VacancySource.objects.filter(vacancy=copy).update(channel=Channel.FILE)
    near = make_vacancy(officer, employer, title="后来改的2", description="y")
    Vacancy.objects.filter(pk=near.pk).update(
        title=LONG_COOK["title"], description=LONG_COOK["description"] + "欢迎退伍军人。"
    )
    DuplicateCandidate.objects.all().delete()
    seen: list[tuple[int, int]] = []
    dry = services.dedup_scan(merge_certain=True, dry_run=True, progress=lambda d, t: seen.append((d, t)))
    assert (dry.employers, dry.merged, dry.suggested) == (1, 1, 1) and seen == [(1, 1)]
    assert not DuplicateCandidate.objects.exists() and Vacancy.objects.get(pk=copy.pk).merged_into is None
    done = services.dedup_scan(merge_certain=True)
    assert (done.merged, done.suggested) == (1, 1)
    copy.refresh_from_db()
    assert copy.merged_into == first and copy.status == VacancyStatus.WITHDRAWN
    assert {s.channel for s in first.sources.all()} == {Channel.STAFF, Channel.FILE}
    assert DuplicateCandidate.objects.filter(vacancy=near, other=first, status="open").exists()
    again = services.dedup_scan(merge_certain=True)
    assert (again.merged, again.suggested) == (0, 0)


def test_a_partners_posting_gets_its_own_vacancy_and_only_a_suggestion(make_staff, places):
    from openpes.accounts import services as accounts
    from openpes.accounts.models import PartnerScope

    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_a1)
    staffs = make_vacancy(officer, employer)
    partner = accounts.partner_create(actor=None, name="绥宁人才网", region_code=places.township_a)
    key, _ = accounts.partner_key_create(actor=None, partner=partner, scopes=list(PartnerScope.values))
    data = services.VacancyInput(**COOK_AGAIN)
    posted, created = services.partner_vacancy_post(
        key=key, external_id="HR-1", credit_code=employer.uscc, data=data
    )
    # The partner reaches its vacancies by its own id: word for word the same, it still gets its own.
    assert created and posted.pk != staffs.pk and posted.partner == partner
    candidate = DuplicateCandidate.objects.get(vacancy=posted)
    assert candidate.other == staffs and candidate.certain
    assert posted.sources.get().external_ref == "HR-1"
    again, created = services.partner_vacancy_post(
        key=key, external_id="HR-1", credit_code=employer.uscc, data=data
    )
    assert not created and again.pk == posted.pk and posted.sources.count() == 1
    assert staffs.sources.count() == 1
    # Staff merge the partner's copy into their own; the partner sees it withdrawn with the reason.
    services.vacancy_merge(actor=officer, keep=staffs, duplicate=Vacancy.objects.get(pk=posted.pk))
    posted.refresh_from_db()
    assert (
        posted.status == VacancyStatus.WITHDRAWN and posted.status_reason == f"与岗位#{staffs.pk}重复，已合并"
    )
    assert {s.channel for s in staffs.sources.all()} == {Channel.STAFF, Channel.PARTNER}


def test_a_file_row_repeating_an_open_vacancy_becomes_its_source(make_staff, places):
    from openpes.vacancies.services import file_import
    from tests.employment.survey_files import csv_file

    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_a1, name="绥宁县某某电子有限公司")
    entered = make_vacancy(officer, employer, **LONG_COOK)
    header = ["岗位名称", "单位名称", "招聘人数", "薪资待遇", "工作地点", "岗位描述"]
    row = [LONG_COOK["title"], employer.name, "5", LONG_COOK["pay_text"], LONG_COOK["place_text"]]
    rows = [
        [*row, LONG_COOK["description"].replace("；", "。")],  # word for word: merged
        ["服务员", employer.name, "3", "3500", "", "负责点菜传菜"],  # new
    ]
    content = csv_file([header, *rows])
    record = file_import.vacancy_file_check(
        actor=officer, filename="招聘会.csv", content=content, mode="valid"
    )
    file_import.vacancy_file_import(actor=officer, record=record)
    record.refresh_from_db()
    assert record.status == "done" and record.created == 1
    assert record.message == "1 行与同一单位已有的在招岗位文字相同，已合并为该岗位的来源，未新建岗位"
    assert list(Vacancy.objects.filter(file_import=record).values_list("title", flat=True)) == ["服务员"]
    file_source = entered.sources.get(channel=Channel.FILE)
    assert file_source.headcount == 5 and "招聘会.csv 第2行" in file_source.note
    entered.refresh_from_db()
    assert entered.file_import is None and entered.headcount == 2
