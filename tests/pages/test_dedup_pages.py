"""Duplicates on the pages: staff see a vacancy's sources, its probable duplicates with the reasons (also as
a badge in the review queue) and its re-post links both ways; they merge or dismiss on the vacancy page,
with bad input answered in Chinese; an employer posting on the portal what staff already entered is told
it was merged, and sees only its own vacancies' numbers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from openpes.accounts.roles import Role
from openpes.employers.models import Employer
from openpes.vacancies import services
from openpes.vacancies.choices import Channel, VacancyStatus
from openpes.vacancies.models import DuplicateCandidate, DuplicateStatus, Vacancy
from tests.employers.helpers import make_uscc
from tests.pages.conftest import text_of
from tests.vacancies.pool import COOK_POSTING, make_vacancy, verified_employer
from tests.vacancies.test_vacancy_portal import signed_up

pytestmark = pytest.mark.django_db


def plain(response: Any) -> str:
    """The page's text without its tags (a link inside a sentence splits it)."""
    return re.sub(r"<[^>]+>", "", text_of(response))


LONG = "负责湘菜的烹饪制作，保证菜品质量；做好厨房卫生和食品安全工作；服从厨师长安排。包吃住，月休四天。"


def pair(client: Any, places: Any) -> tuple[Vacancy, Vacancy]:
    """Two vacancies of one employer, the second a probable duplicate of the first, in the queue."""
    employer = verified_employer(client.staff, places.village_a1)
    first = make_vacancy(client.staff, employer, description=LONG)
    second = services.vacancy_create(
        actor=client.staff,
        employer=employer,
        channel=Channel.FILE,
        data=services.VacancyInput(**{**COOK_POSTING, "description": LONG + "节假日三倍工资。"}),
    )
    services.vacancy_submit(actor=client.staff, vacancy=second)
    return first, second


def test_the_vacancy_page_shows_sources_and_probable_duplicates_and_the_queue_marks_them(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    first, second = pair(client, places)
    assert DuplicateCandidate.objects.count() == 1
    queue = text_of(client.get("/vacancies/review/"))
    assert "疑似重复" in queue
    page = text_of(client.get(f"/vacancies/{second.pk}/"))
    assert "来源（1）" in page and "批量导入" in page
    assert f"#{first.pk} 中餐厨师" in page and "同一单位、职位名称相同、描述相似度" in page
    assert "保留本岗位" in page and "不是重复" in page
    # The other side of the pair shows it too.
    assert f"#{second.pk} 中餐厨师" in text_of(client.get(f"/vacancies/{first.pk}/"))
    # A reader sees the suggestion but no buttons.
    reader = login_as(Role.MANAGER, places.county)
    page = text_of(reader.get(f"/vacancies/{second.pk}/"))
    assert "同一单位、职位名称相同" in page and "保留本岗位" not in page


def test_merge_on_the_page(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    first, second = pair(client, places)
    response = client.post(
        f"/vacancies/{second.pk}/merge/", {"other": first.pk, "keep": "other", "reason": "同一岗位"}
    )
    assert response.status_code == 302 and response["Location"] == f"/vacancies/{first.pk}/"
    page = text_of(client.get(response["Location"]))
    assert "来源（2）" in page and f"合并自岗位#{second.pk}" in page and "已合并" in page
    second.refresh_from_db()
    assert second.status == VacancyStatus.WITHDRAWN and second.merged_into_id == first.pk
    page = text_of(client.get(f"/vacancies/{second.pk}/"))
    assert f"岗位#{first.pk} 中餐厨师" in page and "已合并到该岗位" in page


def test_bad_merges_and_dismissals_are_answered_in_chinese_and_change_nothing(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    first, second = pair(client, places)
    theirs = make_vacancy(client.staff, verified_employer(client.staff, places.village_a1))
    cases = [
        ({"other": "abc", "keep": "this"}, "请从疑似重复列表中选择要合并的岗位"),
        ({"other": first.pk, "keep": "both"}, "请从疑似重复列表中选择要合并的岗位"),
        ({"other": theirs.pk, "keep": "this"}, "只能合并同一单位的岗位"),
        ({"other": second.pk, "keep": "this"}, "不能把岗位合并到它自己"),
    ]
    for data, message in cases:
        response = client.post(f"/vacancies/{second.pk}/merge/", data)
        assert response.status_code == 422 and message in text_of(response), data
    elsewhere = make_vacancy(client.staff, verified_employer(client.staff, places.village_a1), place_text="")
    Vacancy.objects.filter(pk=elsewhere.pk).update(region_code=places.village_b1)
    Employer.objects.filter(pk=elsewhere.employer_id).update(region_code=places.village_b1)
    assert (
        client.post(f"/vacancies/{second.pk}/merge/", {"other": elsewhere.pk, "keep": "this"}).status_code
        == 404
    )
    candidate = DuplicateCandidate.objects.get()
    long_note = {"note": "很" * 201}
    response = client.post(f"/vacancies/{second.pk}/duplicates/{candidate.pk}/dismiss/", long_note)
    assert response.status_code == 422 and "说明不能超过200个字" in text_of(response)
    assert client.post(f"/vacancies/{theirs.pk}/duplicates/{candidate.pk}/dismiss/").status_code == 404
    reader = login_as(Role.MANAGER, places.county)
    assert reader.post(f"/vacancies/{second.pk}/duplicates/{candidate.pk}/dismiss/").status_code == 403
    assert (
        reader.post(f"/vacancies/{second.pk}/merge/", {"other": first.pk, "keep": "this"}).status_code == 403
    )
    assert client.get(f"/vacancies/{second.pk}/merge/").status_code == 405
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.OPEN
    assert Vacancy.objects.filter(merged_into__isnull=False).count() == 0


def test_dismiss_on_the_page(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    first, second = pair(client, places)
    candidate = DuplicateCandidate.objects.get()
    response = client.post(f"/vacancies/{first.pk}/duplicates/{candidate.pk}/dismiss/", {"note": "两个门店"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DISMISSED and candidate.decided_by == client.staff
    page = text_of(client.get(f"/vacancies/{second.pk}/"))
    assert "不是重复" in page and "两个门店" in page and "保留本岗位" not in page
    assert "疑似重复" not in text_of(client.get("/vacancies/review/"))


def test_repost_links_both_ways(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    employer = verified_employer(client.staff, places.village_a1)
    old = make_vacancy(client.staff, employer)
    services.vacancy_withdraw(actor=client.staff, vacancy=old, reason="暂停")
    response = client.post("/vacancies/new/", {**COOK_POSTING, "employer": employer.pk, "headcount": 3})
    new = Vacancy.objects.exclude(pk=old.pk).get()
    assert new.reposts_id == old.pk
    page = plain(client.get(response["Location"]))
    assert f"重新发布自 #{old.pk}（已撤回）" in page and f"已关联为岗位#{old.pk}（已撤回）的重新发布" in page
    assert f"已重新发布为 #{new.pk}" in plain(client.get(f"/vacancies/{old.pk}/"))


def test_the_staff_form_tells_of_a_probable_duplicate(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    employer = verified_employer(client.staff, places.village_a1)
    first = make_vacancy(client.staff, employer)
    response = client.post("/vacancies/new/", {**COOK_POSTING, "employer": employer.pk}, follow=True)
    assert f"该岗位可能与已有岗位#{first.pk}重复" in text_of(response)


def test_an_employer_posting_what_staff_entered_is_told_it_was_merged(places, make_staff):
    code = make_uscc()
    portal = signed_up(code)
    employer = Employer.objects.get(uscc=code)
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    existing = make_vacancy(officer, employer)
    someone_else = make_vacancy(officer, verified_employer(officer, places.village_a1))
    response = portal.post(
        "/jobs/employer/vacancies/new/", {**COOK_POSTING, "description": "负责湘菜烹饪。包吃住"}
    )
    assert response["Location"] == f"/jobs/employer/vacancies/{existing.pk}/"
    page = text_of(portal.get(response["Location"]))
    assert f"该岗位与已有岗位#{existing.pk}重复，已合并为同一岗位的来源" in page
    assert Vacancy.objects.filter(employer=employer).count() == 1 and existing.sources.count() == 2
    assert f"#{someone_else.pk}" not in page
    # Another employer's identical posting is its own vacancy, with nothing said about anyone else's.
    other_code = make_uscc()
    other_portal = signed_up(other_code)
    response = other_portal.post("/jobs/employer/vacancies/new/", COOK_POSTING, follow=True)
    page = text_of(response)
    assert "已保存为草稿" in page and "重复" not in page
