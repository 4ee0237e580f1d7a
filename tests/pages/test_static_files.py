"""Static files as a county office on a slow link receives them (issue 7, item 11).

The collection (hashing and brotli) runs once for the module into a temporary STATIC_ROOT, as `openpes serve`
does into the data directory; one test checks that the pages also work before anything was collected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from openpes.accounts.roles import Role
from openpes.core.staticfiles import STAMP, collect

FIRST_LOAD_LIMIT = 500 * 1000
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=str(root)):
        assert collect() is True
        yield root


@pytest.fixture
def dashboard_client(places: Any, make_staff: Any, make_person: Any, login_as: Any) -> Client:
    clerk = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    make_person(clerk, places.village_a1)
    make_person(clerk, places.village_a2)
    return login_as(staff=clerk)


def body_of(response: Any) -> bytes:
    try:
        return b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    finally:
        response.close()


def first_load(client: Client, accept_encoding: str) -> tuple[int, dict[str, Any]]:
    """Bytes of the dashboard's HTML and of every asset it links, and the asset responses by address."""
    page = client.get("/", HTTP_ACCEPT_ENCODING=accept_encoding)
    assert page.status_code == 200
    html = body_of(page)
    assets = {
        url: client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding) for url in ASSET.findall(html.decode())
    }
    assert any("echarts" in url for url in assets), "the dashboard with persons draws its charts"
    for url, response in assets.items():
        assert response.status_code == 200, url
    return len(html) + sum(len(body_of(r)) for r in assets.values()), assets


@pytest.mark.parametrize("accept_encoding", ["br, gzip", "gzip"])
def test_dashboard_first_load_transfers_at_most_500_kb(collected, dashboard_client, accept_encoding):
    total, assets = first_load(dashboard_client, accept_encoding)
    print(f"dashboard first load with Accept-Encoding {accept_encoding}: {total:,} bytes")
    assert total <= FIRST_LOAD_LIMIT, f"{total:,} bytes"
    for url, response in assets.items():
        if url.endswith((".js", ".css")):
            assert response["Content-Encoding"] == accept_encoding.split(",")[0], url


def test_hashed_names_are_cached_for_a_year_and_immutable(collected, dashboard_client):
    _, assets = first_load(dashboard_client, "br")
    for url, response in assets.items():
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", url), f"{url} carries no content hash"
        assert "max-age=31536000" in response["Cache-Control"], url
        assert "immutable" in response["Cache-Control"], url


def test_plain_names_are_cached_briefly(collected, client, db):
    response = client.get("/static/openpes/openpes.css")
    body_of(response)
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]


def test_a_second_collection_is_skipped_while_the_files_are_unchanged(collected):
    assert (collected / STAMP).exists()
    assert collect() is False


def test_a_stale_manifest_falls_back_to_the_plain_name(collected):
    from django.contrib.staticfiles.storage import staticfiles_storage

    assert staticfiles_storage.url("openpes/not-collected-yet.js") == "/static/openpes/not-collected-yet.js"


def test_pages_work_before_anything_was_collected(tmp_path, dashboard_client):
    with override_settings(STATIC_ROOT=str(tmp_path / "empty")):
        page = dashboard_client.get("/")
        urls = ASSET.findall(page.content.decode())
        assert "/static/vendor/echarts/echarts.dashboard.min.js" in urls
        for url in urls:
            response = dashboard_client.get(url)
            assert body_of(response) and response.status_code == 200, url
