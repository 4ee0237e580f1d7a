"""The tantivy index of the job search and how it stays in step with the database: the outbox written in the
transaction of each write and applied on commit, the single writer across processes, crash recovery, the
rebuild's snapshot, and the database answering whenever the index is missing, behind or unreadable."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import DatabaseError

from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.employers.models import Employer
from openpes.vacancies import search, services
from openpes.vacancies.models import SearchOutbox, Vacancy
from tests.vacancies.pool import make_vacancy, verified_employer

TANTIVY = search.engine.TANTIVY
DATABASE = search.engine.DATABASE


def ask(**query: Any) -> search.SearchPage:
    return search.search(search.SearchQuery(**query))


@pytest.fixture
def officer(make_staff: Any, places: Any) -> Staff:
    return make_staff(Role.COUNTY_OFFICER, places.county)


@pytest.fixture
def employer(officer: Staff, places: Any) -> Employer:
    return verified_employer(officer, places.village_a1)


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run a write as if its transaction committed: the callbacks it registered run at the end."""

    def run(write: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def publish(commit: Any, officer: Staff, employer: Employer, **fields: Any) -> Vacancy:
    def write() -> Vacancy:
        vacancy = make_vacancy(officer, employer, **fields)
        services.vacancy_submit(actor=officer, vacancy=vacancy)
        return services.vacancy_review(actor=officer, vacancy=vacancy, approve=True)

    return commit(write)


@pytest.mark.django_db
def test_writes_reach_the_index_when_their_transaction_commits(officer, employer, commit) -> None:
    search.rebuild()
    driver = publish(commit, officer, employer, title="货车驾驶员")
    assert not SearchOutbox.objects.exists()
    page = ask(q="司机")
    assert (page.ids, page.engine) == ([driver.pk], TANTIVY)

    commit(
        lambda: services.vacancy_update(
            actor=officer, vacancy=driver, data=services.VacancyInput(title="叉车司机"), fields={"title"}
        )
    )  # back to review: out of the index
    assert ask(q="司机").ids == [] and ask(q="司机").engine == TANTIVY
    commit(lambda: services.vacancy_review(actor=officer, vacancy=driver, approve=True))
    assert ask(q="叉车").ids == [driver.pk] and ask(q="货车").ids == []

    commit(lambda: services.vacancy_withdraw(actor=officer, vacancy=driver, reason="已招满"))
    page = ask(q="叉车")
    assert (page.ids, page.total, page.engine) == ([], 0, TANTIVY)


@pytest.mark.django_db
def test_while_another_process_writes_the_index_the_database_answers(officer, employer, commit) -> None:
    search.rebuild()
    guard = publish(commit, officer, employer, title="保安")
    with search.index._write_lock() as got:  # another holder of the lock (a second open file, as a process)
        assert got
        commit(lambda: services.vacancy_withdraw(actor=officer, vacancy=guard, reason="已招满"))
        assert SearchOutbox.objects.filter(vacancy_id=guard.pk).exists()  # not applied: the lock is taken
        page = ask(q="保安")
        assert (page.ids, page.engine) == ([], DATABASE)  # withdrawn at once all the same
    assert search.index.apply_pending() == 1
    page = ask(q="保安")
    assert (page.ids, page.engine) == ([], TANTIVY)


@pytest.mark.skipif(os.name == "nt", reason="the helper process locks with fcntl")
@pytest.mark.django_db
def test_the_write_lock_holds_across_processes(settings) -> None:
    search.rebuild()
    lock = os.path.join(settings.JOB_SEARCH_INDEX_DIR, "write.lock")
    holder = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            "f = open(sys.argv[1], 'a+b'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True)\n"
            "time.sleep(60)",
            lock,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        SearchOutbox.objects.create(vacancy_id=123)
        assert search.index.apply_pending() is None
        assert SearchOutbox.objects.exists()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert search.index.apply_pending() == 1  # the OS let go of the dead holder's lock


@pytest.mark.django_db
def test_a_crash_between_the_index_and_the_outbox_is_repaired_by_applying_again(
    officer, employer, monkeypatch
) -> None:
    search.rebuild()
    cook = make_vacancy(officer, employer)
    services.vacancy_submit(actor=officer, vacancy=cook)
    services.vacancy_review(actor=officer, vacancy=cook, approve=True)
    real_filter = SearchOutbox.objects.filter

    class Crash:
        def delete(self) -> None:
            raise DatabaseError("the process died")

    monkeypatch.setattr(SearchOutbox.objects, "filter", lambda **kw: Crash())
    with pytest.raises(DatabaseError):
        search.index.apply_pending()  # tantivy has committed; the rows are still there
    monkeypatch.setattr(SearchOutbox.objects, "filter", real_filter)
    left = SearchOutbox.objects.count()
    assert left and search.index.apply_pending() == left
    assert not SearchOutbox.objects.exists()
    page = ask(q="厨师")
    assert (page.ids, page.total, page.engine) == ([cook.pk], 1, TANTIVY)  # once, not twice


@pytest.mark.django_db
def test_rows_written_during_a_rebuild_stay_for_the_next_apply(officer, employer) -> None:
    cook = make_vacancy(officer, employer)
    services.vacancy_submit(actor=officer, vacancy=cook)
    services.vacancy_review(actor=officer, vacancy=cook, approve=True)
    before = set(SearchOutbox.objects.values_list("pk", flat=True))
    assert before
    real_rows = search.index._rows

    def rows_with_a_concurrent_write(vacancies: Any) -> Any:
        yield from real_rows(vacancies)
        SearchOutbox.objects.create(vacancy_id=cook.pk)  # committed by another process meanwhile

    search.index.rebuild(rows_with_a_concurrent_write(Vacancy.objects.filter(pk=cook.pk)))
    left = set(SearchOutbox.objects.values_list("pk", flat=True))
    assert len(left) == 1 and not left & before
    assert search.index.apply_pending() == 1
    assert ask(q="厨师").engine == TANTIVY


@pytest.mark.django_db
def test_pending_rows_inside_a_transaction_are_left_to_the_commit(officer, employer) -> None:
    search.rebuild()
    cook = make_vacancy(officer, employer)
    services.vacancy_submit(actor=officer, vacancy=cook)
    services.vacancy_review(actor=officer, vacancy=cook, approve=True)
    # The test runs inside a transaction that never commits: applying now could index a write that is
    # then rolled back, so the database answers.
    page = ask(q="厨师")
    assert (page.ids, page.engine) == ([cook.pk], DATABASE)
    assert SearchOutbox.objects.exists()


@pytest.mark.django_db
def test_without_an_index_or_with_a_broken_one_the_database_answers(
    officer, employer, settings, caplog, monkeypatch
) -> None:
    monkeypatch.setattr(search.index, "AUTO_BUILD_LIMIT", 0)  # as on a big database
    cook = make_vacancy(officer, employer)
    services.vacancy_submit(actor=officer, vacancy=cook)
    services.vacancy_review(actor=officer, vacancy=cook, approve=True)
    assert not search.index.exists()
    page = ask(q="厨师")
    assert (page.ids, page.engine) == ([cook.pk], DATABASE)
    assert search.index.apply_pending() is None and SearchOutbox.objects.exists()  # kept for the rebuild

    assert search.rebuild() == 1 and not SearchOutbox.objects.exists()
    assert ask(q="厨师").engine == TANTIVY
    generation = search.index._current_generation()
    assert generation is not None
    search.index._reader.forget()
    for path in generation.iterdir():
        if path.name != "meta.json":
            path.unlink()
    page = ask(q="厨师")
    assert (page.ids, page.engine) == ([cook.pk], DATABASE)
    assert "unreadable" in caplog.text


@pytest.mark.django_db
def test_a_small_database_gets_its_index_at_the_first_write(officer, employer, commit) -> None:
    assert not search.index.exists()
    cook = publish(commit, officer, employer)
    assert search.index.exists() and not SearchOutbox.objects.exists()
    assert ask(q="厨师").ids == [cook.pk] and ask(q="厨师").engine == TANTIVY
    assert search.index.ensure() is False  # there is one


@pytest.mark.django_db
def test_the_database_engine_setting_leaves_tantivy_out(officer, employer, commit, settings) -> None:
    settings.JOB_SEARCH_ENGINE = DATABASE
    publish(commit, officer, employer)
    assert not SearchOutbox.objects.exists()
    search.rebuild()
    assert not search.index.exists()
    assert ask(q="厨师").engine == DATABASE


@pytest.mark.django_db
def test_a_filter_tantivy_cannot_express_exactly_is_answered_by_the_database(
    officer, employer, commit
) -> None:
    search.rebuild()
    publish(commit, officer, employer, education_text="初中")
    assert ask(q="厨师", education_max="30").engine == TANTIVY
    odd = ask(q="厨师", education_max="3")  # not a level code: compared as text, as SQL does
    assert odd.engine == DATABASE


@pytest.mark.django_db
def test_the_industry_filter_reads_the_employers_live(officer, employer, commit) -> None:
    search.rebuild()
    cook = publish(commit, officer, employer)
    Employer.objects.filter(pk=employer.pk).update(industry_code="6210")
    page = ask(q="厨师", industry="62")
    assert (page.ids, page.engine) == ([cook.pk], TANTIVY)
    Employer.objects.filter(pk=employer.pk).update(industry_code="1310")
    assert ask(q="厨师", industry="62").ids == [] and ask(q="厨师", industry="13").ids == [cook.pk]


@pytest.mark.django_db
def test_a_commit_while_a_query_runs_makes_it_ask_again(officer, employer, commit, monkeypatch) -> None:
    search.rebuild()
    cook = publish(commit, officer, employer)
    real = search.index.unchanged_since
    calls: list[bool] = []

    def moved_once(hits: Any) -> bool:
        calls.append(True)
        return len(calls) > 1 and real(hits)  # another process committed during the first attempt

    monkeypatch.setattr(search.index, "unchanged_since", moved_once)
    monkeypatch.setattr(search.engine, "_may_apply", lambda: True)  # as outside the test's transaction
    page = ask(q="厨师")
    assert (page.ids, page.engine, len(calls)) == ([cook.pk], TANTIVY, 2)
    calls.clear()
    with search.index._write_lock():  # and if this process cannot catch up, the database answers
        page = ask(q="厨师")
    assert (page.ids, page.engine) == ([cook.pk], DATABASE)
