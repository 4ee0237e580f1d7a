"""Vacancy pages for staff: entering a vacancy on the form (problems on the fields, in Chinese), the list as
cards on a phone with the review queue first, the detail with the raw text beside the normalised fields,
their reasons and the screening flags with the law, corrections, review, withdrawal; another township's
vacancy is a 404."""

from __future__ import annotations

import pytest

from openpes.accounts.roles import Role
from openpes.vacancies import services
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import Vacancy, VacancyCorrection
from tests.employers.helpers import WELDER
from tests.pages.conftest import assert_no_full_identifiers, text_of
from tests.vacancies.pool import make_vacancy, verified_employer

pytestmark = pytest.mark.django_db


def test_enter_a_vacancy_on_the_form_and_see_what_was_read(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    employer = verified_employer(client.staff, places.village_a1)
    page = text_of(client.get("/vacancies/new/"))
    assert "职位名称" in page and employer.name in page
    response = client.post("/vacancies/new/", {"employer": employer.pk, "title": "", "headcount": "0"})
    assert response.status_code == 200
    assert "请填写职位名称" in text_of(response)
    data = {
        "employer": employer.pk,
        "title": "中餐厨师",
        "pay_text": "8千-1.2万/月",
        "place_text": "绥宁县长铺镇",
        "description": "限男性，负责湘菜",
    }
    response = client.post("/vacancies/new/", data)
    vacancy = Vacancy.objects.get(title="中餐厨师")
    assert response.status_code == 302 and response["Location"] == f"/vacancies/{vacancy.pk}/"
    page = text_of(client.get(response["Location"]))
    assert "8千-1.2万/月" in page and "8,000–12,000 元/月" in page  # the raw text beside the parsed pay
    assert "中式烹调师" in page and "识别依据" in page
    assert "限男性" in page and "就业促进法" in page  # the flag, its explanation and the law
    client.post(f"/vacancies/{vacancy.pk}/submit/")
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.DRAFT  # refused: the blocking flag stands
    assert "请修改后再提交" in text_of(client.get(f"/vacancies/{vacancy.pk}/"))


def test_list_puts_the_queue_first_and_shows_cards_on_a_phone(places, login_as):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(client.staff, places.village_a1)
    draft = make_vacancy(client.staff, employer, title="焊工")
    waiting = make_vacancy(client.staff, employer, title="保洁员")
    services.vacancy_submit(actor=client.staff, vacancy=waiting)
    page = text_of(client.get("/vacancies/"))
    assert page.index("保洁员") < page.index("焊工")
    assert "data-record-card" in page and "有 1 个岗位待审核" in page
    assert_no_full_identifiers(page)
    queue = text_of(client.get("/vacancies/review/"))
    assert "保洁员" in queue and "焊工" not in queue
    filtered = text_of(client.post("/vacancies/", {"status": "draft"}))
    assert draft.title in filtered and "保洁员" not in filtered


def test_review_correct_and_withdraw_on_the_detail_page(places, login_as):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    vacancy = make_vacancy(client.staff, verified_employer(client.staff, places.village_a1))
    services.vacancy_submit(actor=client.staff, vacancy=vacancy)
    response = client.post(f"/vacancies/{vacancy.pk}/review/", {"decision": "reject", "reason": ""})
    assert response.status_code == 422 and "至少2个字" in text_of(response)
    client.post(f"/vacancies/{vacancy.pk}/review/", {"decision": "approve", "reason": ""})
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PUBLISHED
    response = client.post(f"/vacancies/{vacancy.pk}/correct/", {"field": "occupation_code", "value": "x"})
    assert response.status_code == 422 and "职业代码" in text_of(response)
    client.post(
        f"/vacancies/{vacancy.pk}/correct/", {"field": "occupation_code", "value": WELDER, "note": "核实"}
    )
    assert VacancyCorrection.objects.get(vacancy=vacancy).new_value == WELDER
    assert "更正记录" in text_of(client.get(f"/vacancies/{vacancy.pk}/"))
    client.post(f"/vacancies/{vacancy.pk}/withdraw/", {"reason": "已招满"})
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.WITHDRAWN


def test_edit_of_a_published_vacancy_goes_back_to_review(places, login_as):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    vacancy = make_vacancy(client.staff, verified_employer(client.staff, places.village_a1))
    services.vacancy_submit(actor=client.staff, vacancy=vacancy)
    services.vacancy_review(actor=client.staff, vacancy=vacancy, approve=True)
    assert "中餐厨师" in text_of(client.get(f"/vacancies/{vacancy.pk}/edit/"))
    response = client.post(f"/vacancies/{vacancy.pk}/edit/", {"title": "湘菜厨师", "pay_text": "5000元"})
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.title, vacancy.status) == ("湘菜厨师", VacancyStatus.PENDING_REVIEW)


def test_another_townships_vacancy_is_a_404_and_readers_cannot_write(
    places, login_as, make_staff, admin_client
):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    vacancy = make_vacancy(officer, verified_employer(officer, places.village_b1), place_text="")
    other = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert other.get(f"/vacancies/{vacancy.pk}/").status_code == 404
    assert other.post(f"/vacancies/{vacancy.pk}/withdraw/", {"reason": "x"}).status_code == 404
    manager = login_as(Role.MANAGER, places.county)
    assert manager.get(f"/vacancies/{vacancy.pk}/").status_code == 200
    assert manager.get("/vacancies/new/").status_code == 403
    assert manager.get(f"/vacancies/{vacancy.pk}/edit/").status_code == 403
    assert manager.post(f"/vacancies/{vacancy.pk}/review/", {"decision": "approve"}).status_code == 403
    assert admin_client(places.county).get("/vacancies/").status_code == 403
