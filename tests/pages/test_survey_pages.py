"""The survey import pages: template download, upload and check, the problems, the import (at once for a small
file, by the worker for a big one, with progress), the error workbook; another village's broker sees nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from openpes.accounts.roles import Role
from openpes.employment.models import SurveyImport
from openpes.employment.services import survey_import as importing
from openpes.employment.tasks import run_survey_import
from openpes.people.models import Person
from tests.employment.test_survey_import import family, row, workbook
from tests.pages.conftest import assert_no_full_identifiers, text_of

pytestmark = pytest.mark.django_db


def upload(client, village, content, mode="valid", name="采集表.xlsx"):
    return client.post(
        "/employment/survey/",
        {"region_code": village, "mode": mode, "file": SimpleUploadedFile(name, content)},
    )


def test_the_template_downloads_as_a_workbook(places, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    response = client.get("/employment/survey/template.xlsx")
    assert response.status_code == 200
    header = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert any("公民身份号码" in str(cell) for line in header[:3] for cell in line)


def test_a_broker_uploads_sees_the_problems_and_imports_the_rest(places, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    rows = [*family(), row(5, "赵六", "430527199001011234", "户主", "失业")]
    response = upload(client, places.village_a1, workbook(rows))
    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "公民身份号码：身份证号码校验位不正确" in page
    assert 'data-count="problems">1<' in page and "导入无误的 4 行" in page
    assert_no_full_identifiers(page)
    assert not Person.objects.exists()
    record = SurveyImport.objects.get()
    errors = client.get(f"/employment/survey/{record.pk}/errors.xlsx")
    assert errors.status_code == 200 and errors["Cache-Control"] == "no-store"
    done = client.post(f"/employment/survey/{record.pk}/import/")
    assert done.status_code == 302
    page = text_of(client.get(done["Location"]))
    assert "导入完成：新登记 4 人" in page and "已导入" in page
    assert Person.objects.count() == 4


def test_bad_uploads_are_refused_on_the_form(places, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    assert "请选择要上传的文件" in text_of(
        client.post("/employment/survey/", {"region_code": places.village_a1, "mode": "valid"})
    )
    unreadable = text_of(upload(client, places.village_a1, b"%PDF-1.4 not a sheet", name="a.pdf"))
    assert "没有找到采集表的表头" in unreadable
    other_village = text_of(upload(client, places.village_b1, workbook(family())))
    assert "所选村（社区）不在可选范围内" in other_village
    assert not SurveyImport.objects.exists()


def test_another_village_cannot_open_the_import(places, login_as):
    owner = login_as(Role.VILLAGE_BROKER, places.village_a1)
    upload(owner, places.village_a1, workbook(family()))
    record = SurveyImport.objects.get()
    stranger = login_as(Role.VILLAGE_BROKER, places.village_a2)
    for url in (f"/employment/survey/{record.pk}/", f"/employment/survey/{record.pk}/errors.xlsx"):
        assert stranger.get(url).status_code == 404
    assert stranger.post(f"/employment/survey/{record.pk}/import/").status_code == 404
    assert not Person.objects.exists()


def test_a_big_file_goes_to_the_worker_and_the_page_shows_progress(places, login_as, monkeypatch):
    monkeypatch.setattr(importing, "BACKGROUND_ROWS", 2)
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    upload(client, places.village_a1, workbook(family()))
    record = SurveyImport.objects.get()
    response = client.post(f"/employment/survey/{record.pk}/import/")
    record.refresh_from_db()
    assert record.status == "queued"
    polling = text_of(client.get(f"/employment/survey/{record.pk}/", headers={"HX-Request": "true"}))
    assert 'hx-trigger="every 1s"' in polling and 'role="progressbar"' in polling
    # The queued task as the worker finds it (`openpes worker --once` runs the loop in test_cli.py).
    queued = DBTaskResult.objects.get(status="READY")
    assert queued.task_path == "openpes.employment.tasks.run_survey_import"
    run_survey_import.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    record.refresh_from_db()
    assert (record.status, record.created) == ("done", 4)
    finished = text_of(client.get(f"/employment/survey/{record.pk}/", headers={"HX-Request": "true"}))
    assert "every 1s" not in finished
    assert response.status_code == 302
