"""The `openpes` command, run as users run it: a separate process with its own data directory (the test
process has its settings configured already, so --data-dir could not take effect in-process)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

OPENPES = Path(sys.executable).with_name("openpes")


def openpes(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 - our own console script
        [str(OPENPES), "--data-dir", str(data_dir), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("demo")
    return data_dir, openpes(data_dir, "demo", "--no-serve", "--persons", "200")


def test_help_lists_the_commands(tmp_path):
    result = subprocess.run(  # noqa: S603
        [str(OPENPES), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    for name in ("demo", "serve", "migrate", "load-reference", "createstaff", "token", "check"):
        assert name in result.stdout


def test_demo_builds_the_county_in_the_data_directory_and_prints_logins(demo):
    data_dir, result = demo
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "已建成演示县" in out
    match = re.search(r"(\d+) 户 (\d+) 人", out)
    assert match and int(match.group(2)) >= 200
    assert "Suining@2026" in out
    usernames = re.findall(r"^\s+\S+\s+\S+\s+.+?\s(\S+)$", out, flags=re.MULTILINE)
    for expected in ("county", "admin", "auditor", "t430527100"):
        assert expected in usernames, out
    assert any(u.startswith("v430527") for u in usernames)
    assert "密钥" in out  # the administrator's TOTP secret
    assert (data_dir / "openpes.sqlite3").exists()
    assert (data_dir / "field_keys").exists()


def test_createstaff_with_a_weak_password_fails_in_chinese(demo):
    data_dir, _ = demo
    result = openpes(
        data_dir, "createstaff", "--username", "weakling", "--name", "张三", "--jurisdiction", "430527",
        "--role", "county_officer", "--password", "1234567890",
    )  # fmt: skip
    assert result.returncode != 0
    assert "错误" in result.stderr
    assert "password" in result.stderr
    assert "密码不能全是数字" in result.stderr
    assert "已创建" not in result.stdout


def test_createstaff_refuses_roles_of_more_than_one_duty(demo):
    data_dir, _ = demo
    result = openpes(
        data_dir, "createstaff", "--username", "allpowers", "--name", "张三", "--jurisdiction", "430527",
        "--role", "administrator", "--role", "county_officer", "--password", "Strong#Pass-2026",
    )  # fmt: skip
    assert result.returncode == 2
    assert "三员分立" in result.stderr
    assert "已创建" not in result.stdout


def test_createstaff_password_works_at_once_unless_asked_to_be_changed(demo):
    data_dir, _ = demo
    args = [
        "--name",
        "张三",
        "--jurisdiction",
        "430527",
        "--role",
        "auditor",
        "--password",
        "Strong#Pass-2026",
    ]
    plain = openpes(data_dir, "createstaff", "--username", "auditor2", *args)
    assert plain.returncode == 0, plain.stderr
    assert "须改为本人的密码" not in plain.stdout
    forced = openpes(data_dir, "createstaff", "--username", "auditor3", "--must-change-password", *args)
    assert forced.returncode == 0, forced.stderr
    assert "首次登录时须改为本人的密码" in forced.stdout


def test_token_create_prints_the_token_once_and_revoke_revokes_it(demo):
    data_dir, _ = demo
    created = openpes(data_dir, "token", "create", "--user", "county", "--name", "对接测试", "--days", "7")
    assert created.returncode == 0, created.stderr
    token = re.search(r"(opes_\S+)", created.stdout)
    number = re.search(r"编号 (\d+)", created.stdout)
    assert token and number
    revoked = openpes(data_dir, "token", "revoke", "--id", number.group(1))
    assert revoked.returncode == 0, revoked.stderr
    assert "已吊销令牌" in revoked.stdout
    assert token.group(1) not in revoked.stdout


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_port_in_use_is_one_chinese_line_and_exit_2_before_anything_starts(tmp_path, command):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        extra = ["--persons", "50"] if command == "demo" else []
        result = openpes(tmp_path / "var", command, "--port", str(port), *extra)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f"错误：端口 {port} 已被占用，请用 --port 指定其他端口"]
    assert "已启动" not in result.stdout
    assert "已建成" not in result.stdout  # the demo says so before an unneeded build


def test_a_host_that_cannot_be_bound_is_said_in_chinese(tmp_path):
    result = openpes(tmp_path / "var", "serve", "--host", "192.0.2.1", "--port", "8000")
    assert result.returncode == 2
    assert result.stderr.startswith("错误：无法在 192.0.2.1:8000 上启动服务"), result.stderr
    assert "Traceback" not in result.stderr


def test_the_readme_command_table_lists_every_command():
    from openpes.cli import COMMANDS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `openpes ([a-z-]+)", readme, flags=re.MULTILINE))
    assert listed == set(COMMANDS)


def test_serve_with_a_malformed_trusted_proxy_says_so_without_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - our own console script
        [str(OPENPES), "--data-dir", str(tmp_path / "var"), "serve", "--port", "0"],
        env=env | {"OPENPES_TRUSTED_PROXIES": "nginx"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "OPENPES_TRUSTED_PROXIES" in result.stderr and "Traceback" not in result.stderr
    assert "已启动" not in result.stdout


def _survey_file(tmp_path: Path) -> Path:
    from tests.employment.test_survey_import import family, workbook

    path = tmp_path / "采集表.xlsx"
    path.write_bytes(workbook(family()))
    return path


def _a_broker(out: str) -> tuple[str, str]:
    """A village broker of the demo and their village code, from the printed logins."""
    username = re.search(r"\s(v430527\d+)$", out, flags=re.MULTILINE)
    assert username, out
    return username.group(1), username.group(1)[1:].ljust(12, "0")


def test_import_survey_checks_imports_and_reimports_without_change(demo, tmp_path):
    data_dir, built = demo
    broker, village = _a_broker(built.stdout)
    path = _survey_file(tmp_path)
    args = ["import", "survey", str(path), "--region", village, "--as", broker]
    dry = openpes(data_dir, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "检查完毕（未导入）：共 4 行，新登记 4 人" in dry.stdout
    first = openpes(data_dir, *args)
    assert first.returncode == 0, first.stderr
    assert "已导入：新登记 4，更新 0，无变化 0，未导入 0" in first.stdout
    again = openpes(data_dir, *args)
    assert "已导入：新登记 0，更新 0，无变化 4，未导入 0" in again.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"file": "missing.xlsx"}, "找不到文件"),
        ({"as": "nobody"}, "没有名为 nobody 的在用工作人员账号"),
        ({"as": "auditor"}, "的角色不能导入采集表"),
        ({"region": "430527999999"}, "不在您的辖区内"),
    ],
)
def test_import_survey_refuses_bad_input_in_chinese(demo, tmp_path, change, message):
    data_dir, built = demo
    broker, village = _a_broker(built.stdout)
    path = str(tmp_path / change["file"]) if "file" in change else str(_survey_file(tmp_path))
    result = openpes(
        data_dir,
        "import",
        "survey",
        path,
        "--region",
        change.get("region", village),
        "--as",
        change.get("as", broker),
    )
    assert result.returncode == 2
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_worker_once_and_refresh_run(demo):
    data_dir, _ = demo
    worker = openpes(data_dir, "worker", "--once")
    assert worker.returncode == 0, worker.stderr
    refreshed = openpes(data_dir, "refresh-employment", "--region", "430527")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "已重新认定" in refreshed.stdout
