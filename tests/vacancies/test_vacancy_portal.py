"""The employers' vacancy pages on the portal: an employer posts a vacancy, sees the screening reasons in
plain Chinese before submitting, cannot submit while a blocking flag stands, fixes it, submits, and staff
approve it; it sees only its own vacancies, and an unconfirmed claim sees none."""

from __future__ import annotations

import pytest
from django.test import Client

from openpes.accounts.roles import Role
from openpes.employers import services as employer_services
from openpes.employers.models import Employer, EmployerAccount
from openpes.vacancies import services
from openpes.vacancies.choices import Channel, VacancyStatus
from openpes.vacancies.models import Vacancy
from tests.employers.helpers import load_some_taxonomy, make_employer, make_uscc
from tests.vacancies.pool import make_vacancy, verified_employer

pytestmark = pytest.mark.django_db
PASSWORD = "Employer#Pass-2026"
LIST = "/jobs/employer/vacancies/"


def signed_up(code: str) -> Client:
    client = Client()
    response = client.post(
        "/jobs/employer/sign-up/",
        {
            "uscc": code,
            "name": "绥宁县新兴竹业有限公司",
            "contact_phone": "13907390001",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert response.status_code == 302
    return client


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_an_employer_posts_sees_the_reason_fixes_it_and_staff_approve(make_staff, places):
    load_some_taxonomy()
    code = make_uscc()
    client = signed_up(code)
    assert "还没有岗位" in text(client.get(LIST))
    posting = {
        "title": "仓库管理员",
        "pay_text": "4000-5000元",
        "place_text": "绥宁县",
        "description": "限男性，35岁以下",
    }
    response = client.post(f"{LIST}new/", posting)
    vacancy = Vacancy.objects.get(title="仓库管理员")
    assert response["Location"] == f"{LIST}{vacancy.pk}/"
    assert vacancy.channel == Channel.PORTAL and vacancy.status == VacancyStatus.DRAFT
    page = text(client.get(response["Location"]))
    assert "限男性" in page and "须修改" in page and "就业促进法" in page and "需核实" in page
    assert 'id="submit-refusal"' in page and "disabled" in page
    client.post(f"{LIST}{vacancy.pk}/submit/")
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.DRAFT
    client.post(f"{LIST}{vacancy.pk}/edit/", {**posting, "description": "负责仓库收发货"})
    vacancy.refresh_from_db()
    assert vacancy.screening_flags == []
    client.post(f"{LIST}{vacancy.pk}/submit/")
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PENDING_REVIEW
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = Employer.objects.get(uscc=code)
    employer_services.employer_verify(actor=officer, employer=employer, approve=True)
    vacancy.refresh_from_db()
    services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)
    assert "已发布" in text(client.get(LIST))
    client.post(f"{LIST}{vacancy.pk}/withdraw/", {"reason": "已招满"})
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.WITHDRAWN


def test_an_employer_sees_only_its_own_vacancies(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    someone_else = make_vacancy(officer, verified_employer(officer, places.village_a1), title="别家的岗位")
    client = signed_up(make_uscc())
    assert "别家的岗位" not in text(client.get(LIST))
    assert client.get(f"{LIST}{someone_else.pk}/").status_code == 404
    assert client.get(f"{LIST}{someone_else.pk}/edit/").status_code == 404
    assert client.post(f"{LIST}{someone_else.pk}/withdraw/", {"reason": "x"}).status_code == 404
    someone_else.refresh_from_db()
    assert someone_else.status == VacancyStatus.DRAFT


def test_a_claim_of_an_employer_staff_registered_sees_no_vacancy_until_confirmed(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    code = make_uscc()
    employer = make_employer(officer, places.village_a1, uscc=code)
    make_vacancy(officer, employer, title="已登记单位的岗位")
    client = signed_up(code)
    assert client.get(LIST).status_code == 403
    assert client.post(f"{LIST}new/", {"title": "普工"}).status_code == 403
    account = EmployerAccount.objects.get(login_name=code)
    employer_services.account_confirm(actor=officer, account=account)
    assert "已登记单位的岗位" in text(client.get(LIST))


def test_portal_pages_need_the_portal_sign_in(login_as, places):
    assert Client().get(LIST)["Location"].startswith("/jobs/employer/login/")
    staff = login_as(Role.COUNTY_OFFICER, places.county)
    assert staff.get(LIST)["Location"].startswith("/jobs/employer/login/")
