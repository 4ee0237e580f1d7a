"""Region pages: browse the tree inside the jurisdiction; administrators import local corrections."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.regions.models import Region, RegionCorrection
from tests.pages.conftest import text_of

pytestmark = pytest.mark.django_db


def test_browse_starts_at_the_jurisdiction_and_lists_children(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.get("/regions/")
    assert response.status_code == 200
    text = text_of(response)
    assert places.village_a1 in text and places.village_a2 in text
    assert places.village_b1 not in text
    assert f'href="/regions/{places.county}/"' not in text  # the county is shown, not linked


def test_browse_a_child_region(places, login_as):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    text = text_of(client.get(f"/regions/{places.township_b}/"))
    assert places.village_b1 in text
    assert f'href="/regions/{places.county}/"' in text


@pytest.mark.parametrize("code", ["village_b1", "township_b", "county"])
def test_regions_outside_the_jurisdiction_are_404(places, login_as, code):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert client.get(f"/regions/{getattr(places, code)}/").status_code == 404
    assert client.get("/regions/110000000000/").status_code == 404
    assert client.get("/regions/nonsense/").status_code == 404


def upload(text: str, encoding: str = "utf-8") -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile("corrections.csv", text.encode(encoding), content_type="text/csv")}


HEADER = "code,kind,name,parent_code,replaced_by,note\n"


def test_administrator_imports_corrections(places, admin_client):
    client = admin_client(places.county)
    assert client.get("/regions/corrections/").status_code == 200
    new_code = places.township_a[:9] + "999"
    csv = (
        HEADER
        + f"{places.village_a1},更名,新名村,,,村名变更\n{new_code},新增,安置社区,{places.township_a},,搬迁\n"
    )
    response = client.post("/regions/corrections/", upload(csv, "gb18030"))
    assert response.status_code == 302
    assert Region.objects.get(code=places.village_a1).name == "新名村"
    assert Region.objects.get(code=new_code).name == "安置社区"
    text = text_of(client.get("/regions/corrections/"))
    assert "已导入 2 条" in text and "安置社区" in text


def test_bad_rows_are_all_listed_in_chinese_and_nothing_is_written(places, admin_client):
    client = admin_client(places.county)
    name = Region.objects.get(code=places.village_a1).name
    before = RegionCorrection.objects.count(), ChangeLog.objects.count()
    csv = HEADER + (
        f"{places.village_a1},更名,好名字,,,\n"
        "12345,更名,短代码,,,\n"
        f"{places.village_a2},改名,坏类型,,,\n"
        f"{places.village_a1},新增,已存在,{places.township_a},,\n"
    )
    response = client.post("/regions/corrections/", upload(csv))
    assert response.status_code == 200
    text = text_of(response)
    assert "没有导入任何内容" in text
    assert "第3行（区划代码）：区划代码应为12位数字" in text
    assert "第4行（类型）：类型应为 更名、新增 或 撤销" in text
    assert "第5行（区划代码）" in text
    assert (RegionCorrection.objects.count(), ChangeLog.objects.count()) == before
    assert Region.objects.get(code=places.village_a1).name == name


def test_corrections_outside_the_jurisdiction_are_refused(places, admin_client):
    client = admin_client(places.township_a)
    before = RegionCorrection.objects.count()
    text = text_of(
        client.post("/regions/corrections/", upload(HEADER + f"{places.village_b1},更名,别人的村,,,\n"))
    )
    assert "不在您的辖区内" in text
    assert RegionCorrection.objects.count() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,kind\n新村,更名\n", "更正文件缺少列"),
        (HEADER, "文件中没有数据行"),
    ],
)
def test_malformed_files_are_refused(places, admin_client, content, message):
    client = admin_client(places.county)
    text = text_of(client.post("/regions/corrections/", upload(content)))
    assert message in text
    assert RegionCorrection.objects.count() == 0


def test_missing_or_oversized_file(places, admin_client, settings):
    client = admin_client(places.county)
    assert "请选择要上传的文件" in text_of(client.post("/regions/corrections/", {}))
    big = HEADER + "x" * (2 * 1024 * 1024 + 1)
    assert "文件过大" in text_of(client.post("/regions/corrections/", upload(big)))
    assert RegionCorrection.objects.count() == 0


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.AUDITOR])
def test_corrections_are_403_for_other_roles(places, login_as, role):
    assert login_as(role, places.county).get("/regions/corrections/").status_code == 403


def test_browse_is_open_to_auditors_and_administrators(places, login_as, admin_client):
    assert login_as(Role.AUDITOR, places.county).get("/regions/").status_code == 200
    assert admin_client(places.county).get("/regions/").status_code == 200
