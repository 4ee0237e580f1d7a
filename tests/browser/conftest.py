"""A real server (`openpes demo` in a subprocess, on its own data directory) and Debian's Chromium.

The server runs in its own process with its own SQLite file, as a user would run it, so the browser tests
need no transactional test database (the audit triggers refuse the truncation that would need)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def browser_executable() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("OPENPES_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (apt-get install chromium) but was not found")
        pytest.skip("Debian's chromium is not installed; .ci/run installs it")
    return CHROMIUM


@dataclass(frozen=True)
class Demo:
    url: str
    data_dir: Path

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `openpes <args>` on the demo's data, as an operator on the same machine would."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_DATABASE")}
        env["OPENPES_DATA_DIR"] = str(self.data_dir)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        command = [sys.executable, "-m", "openpes.cli", *args]
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603


@pytest.fixture(scope="session")
def demo_server(demo: Demo) -> str:
    return demo.url


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    data_dir = tmp_path_factory.mktemp("demo")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_DATABASE")}
    env["OPENPES_DATA_DIR"] = str(data_dir)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed in the teardown
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "openpes.cli",
            "demo",
            "--persons",
            "400",
            "--port",
            str(port),
            "--threads",
            "4",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    # `openpes demo` binds its port before it builds the county (so that a port in use is said at once):
    # a connection is accepted long before pages are served, so wait for an answer from /health/.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the demo server stopped: {(data_dir / 'server.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=5) as answer:  # noqa: S310 - our loopback server
                if answer.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the demo server did not answer within 300 s")
    yield Demo(url, data_dir)
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def page(browser_executable: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    RESULTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=browser_executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        yield context.new_page()
        context.close()
        browser.close()


HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


def wait_for_htmx(page: Any) -> None:
    """Wait until htmx has no request in flight and has processed what it swapped in: a select that has
    just appeared gets its hx-get only when htmx settles it, so a change made before then is lost."""
    page.wait_for_function(f"() => document.querySelector({HTMX_BUSY!r}) === null")
