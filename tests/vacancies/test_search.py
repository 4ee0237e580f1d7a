"""Job search: segmentation and synonyms, the index following the services (publish, change, withdraw,
expire), the filters, sorting and pagination. Runs on SQLite and, with OPENPES_DATABASE_URL, on PostgreSQL
(the database's own index is chosen by the database), each test once answered by the database's index and
once by the tantivy index (`engine` below)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.employers.models import Employer
from openpes.taxonomy.models import Industry
from openpes.vacancies import search, services
from openpes.vacancies.models import Vacancy
from openpes.vacancies.search.text import index_tokens, plan_query, synonym_groups
from tests.vacancies.pool import make_vacancy, verified_employer


def published(officer: Staff, employer: Employer, **fields: Any) -> Vacancy:
    vacancy = make_vacancy(officer, employer, **fields)
    services.vacancy_submit(actor=officer, vacancy=vacancy)
    return services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)


_expected_engine: list[str] = []


def found(**query: Any) -> list[int]:
    page = search.search(search.SearchQuery(**query))
    if _expected_engine:
        assert page.engine == _expected_engine[0], query
    return page.ids


# --- text, no database ------------------------------------------------------------------------------------


def test_every_synonym_of_a_group_expands_to_the_whole_group() -> None:
    for group in synonym_groups():
        for word in group:
            (term,) = plan_query(word).terms
            assert len(term) == len(group), word


def test_the_index_holds_long_words_and_their_parts() -> None:
    tokens = index_tokens("招聘软件工程师，Java开发")
    assert {"软件工程师", "工程师", "java"} <= set(tokens)


@given(st.text(max_size=60))
def test_any_query_text_gives_a_plan_of_clean_terms(text: str) -> None:
    plan = plan_query(text)
    for term in plan.terms:
        assert term and all(
            alternative and all(token.strip() for token in alternative) for alternative in term
        )


# --- the engine on the database ---------------------------------------------------------------------------


@pytest.fixture(params=[search.engine.DATABASE, search.engine.TANTIVY])
def engine(request: Any, settings: Any, monkeypatch: Any) -> Any:
    """The index that answers. For tantivy: an empty index built first, and the outbox applied as soon as a
    service asks (the test's transaction never commits, so `on_commit` would never come)."""
    settings.JOB_SEARCH_ENGINE = request.param
    if request.param == search.engine.TANTIVY:
        search.rebuild()
        monkeypatch.setattr(
            search.index,
            "transaction",
            SimpleNamespace(on_commit=lambda apply, using=None, robust=False: apply()),
        )
    _expected_engine[:] = [request.param]
    yield request.param
    _expected_engine.clear()


@pytest.fixture
def officer(make_staff: Any, places: Any) -> Staff:
    return make_staff(Role.COUNTY_OFFICER, places.county)


@pytest.fixture
def employer(officer: Staff, places: Any, engine: str) -> Employer:
    return verified_employer(officer, places.village_a1)


@pytest.mark.django_db
def test_a_published_vacancy_is_found_by_a_synonym_of_its_title(officer, employer) -> None:
    driver = published(officer, employer, title="货车驾驶员", description="持B2驾照，跑长途")
    cook = published(officer, employer)
    assert found(q="司机") == [driver.pk]
    assert found(q="厨工") == [cook.pk]
    assert found(q="驾照 长途") == [driver.pk]
    assert found(q="厨师 驾照") == []
    assert set(found()) == {driver.pk, cook.pk}


@pytest.mark.django_db
def test_drafts_and_vacancies_under_review_are_not_found(officer, employer) -> None:
    draft = make_vacancy(officer, employer, title="保洁员")
    assert found(q="保洁") == []
    services.vacancy_submit(actor=officer, vacancy=draft)
    assert found(q="保洁") == []
    services.vacancy_review(actor=officer, vacancy=draft, approve=True)
    assert found(q="清洁工") == [draft.pk]


@pytest.mark.django_db
def test_the_index_follows_changes_withdrawals_and_expiries_at_once(officer, employer) -> None:
    changed = published(officer, employer, title="保安")
    withdrawn = published(officer, employer, title="门卫")
    lapsing = published(officer, employer, title="保安员")
    assert set(found(q="安保")) == {changed.pk, withdrawn.pk, lapsing.pk}

    services.vacancy_update(
        actor=officer, vacancy=changed, data=services.VacancyInput(title="仓库管理员"), fields={"title"}
    )  # back to review
    services.vacancy_withdraw(actor=officer, vacancy=withdrawn, reason="已招满")
    Vacancy.objects.filter(pk=lapsing.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    # Past its validity before the daily job has run. The update went behind the services' back, so the
    # tantivy index still has the old validity: the page is checked against the database, found stale,
    # and the database answers (and the vacancy is queued to be indexed again).
    late = search.search(search.SearchQuery(q="安保"))
    assert late.ids == [] and late.total == 0 and late.engine == search.engine.DATABASE
    assert services.vacancies_expire() == 1
    assert found(q="安保") == []

    services.vacancy_review(actor=officer, vacancy=changed, approve=True)
    assert found(q="保安") == [] and found(q="库管") == [changed.pk]


@pytest.mark.django_db
def test_the_filters(officer, employer, places) -> None:
    cook = published(officer, employer, pay_text="4500-6000元/月", education_text="初中")
    clerk = published(
        officer, employer, title="办公室文员", pay_text="3000-3500元", education_text="大专", description=""
    )
    gig = published(officer, employer, title="临时搬运工", pay_text="200元/天", description="日结零工")
    Vacancy.objects.filter(pk=clerk.pk).update(region_code=places.village_b1)
    Vacancy.objects.filter(pk=gig.pk).update(
        work_type="gig", published_at=timezone.now() - dt.timedelta(days=10)
    )
    cook.refresh_from_db()
    search.rebuild()  # the updates above went behind the services' back
    everyone = {cook.pk, clerk.pk, gig.pk}

    assert set(found(region=places.county)) == everyone
    assert clerk.pk not in found(region=places.township_a) and cook.pk in found(region=places.township_a)
    assert found(region=places.village_b1) == [clerk.pk]
    assert found(occupation=cook.occupation_code[:4]) and cook.pk in found(
        occupation=cook.occupation_code[:4]
    )
    assert clerk.pk not in found(occupation=cook.occupation_code)
    assert set(found(pay_min=4000)) == {cook.pk, gig.pk}  # 200元/天 is 4,350 a month
    assert found(pay_max=3200) == [clerk.pk]  # 3000-3500 overlaps up to 3200
    assert clerk.pk not in found(education_max="20") and cook.pk in found(education_max="20")
    assert found(work_type="gig") == [gig.pk]
    assert set(found(posted_within_days=7)) == {cook.pk, clerk.pk}
    Employer.objects.filter(pk=employer.pk).update(industry_code="6210")  # 正餐服务, section H, division 62
    assert set(found(industry="62")) == everyone and found(industry="63") == []
    Industry.objects.get_or_create(code="H", defaults={"name": "住宿和餐饮业", "level": "section"})
    Industry.objects.get_or_create(
        code="62", defaults={"name": "餐饮业", "level": "division", "parent_code": "H"}
    )
    assert set(found(industry="H")) == everyone and found(industry="C") == []


@pytest.mark.django_db
def test_sorting_and_pagination(officer, employer) -> None:
    low = published(officer, employer, title="帮厨", pay_text="3000元")
    high = published(officer, employer, title="厨师长", pay_text="9000元", description="厨师团队管理")
    newest = published(officer, employer, title="厨工", pay_text="4000元")
    assert found(q="厨师", sort=search.Sort.PAY) == [high.pk, newest.pk, low.pk]
    assert found(q="厨师", sort=search.Sort.NEWEST) == [newest.pk, high.pk, low.pk]
    assert found(q="厨师长")[0] == high.pk
    first = search.search(search.SearchQuery(q="厨师", sort=search.Sort.NEWEST, page_size=2))
    second = search.search(search.SearchQuery(q="厨师", sort=search.Sort.NEWEST, page_size=2, page=2))
    assert first.total == second.total == 3 and first.pages == 2
    assert first.ids + second.ids == [newest.pk, high.pk, low.pk]


@pytest.mark.django_db
def test_rebuild_indexes_every_published_vacancy_again(officer, employer) -> None:
    cook = published(officer, employer)
    make_vacancy(officer, employer, title="厨师助理")  # a draft
    # Both indexes lost (a restored backup, a deleted data directory): the database's index answers alone.
    search.engine.backend().remove([cook.pk])
    search.index.drop()
    lost = search.search(search.SearchQuery(q="厨师"))
    assert (lost.ids, lost.engine) == ([], search.engine.DATABASE)
    assert search.rebuild() == 1
    assert found(q="厨师") == [cook.pk]


@pytest.mark.django_db
def test_counting_stops_at_the_cap(officer, employer, monkeypatch) -> None:
    for _ in range(3):
        published(officer, employer)
    monkeypatch.setattr(search.engine, "MAX_COUNT", 2)
    capped = search.search(search.SearchQuery(q="厨师", page_size=1))
    assert (capped.total, capped.more, len(capped.ids)) == (2, True, 1)
    monkeypatch.setattr(search.engine, "MAX_COUNT", 3)
    exact = search.search(search.SearchQuery(q="厨师"))
    assert (exact.total, exact.more, len(exact.ids)) == (3, False, 3)
