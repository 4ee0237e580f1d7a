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


def test_partner_key_create_list_revoke(demo):
    data_dir, _ = demo
    bad = openpes(
        data_dir, "partner-key", "create", "--partner", "人才网", "--region", "430527", "--scopes", "x"
    )
    assert bad.returncode == 2 and "权限范围“x”无效" in bad.stderr
    created = openpes(
        data_dir, "partner-key", "create", "--partner", "绥宁人才网", "--region", "430527",
        "--scopes", "vacancies:write,vacancies:read", "--days", "30",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "已登记合作系统 绥宁人才网（430527000000）" in created.stdout
    key = re.search(r"(opes_p_\S+)", created.stdout)
    number = re.search(r"编号 (\d+)", created.stdout)
    assert key and number
    listed = openpes(data_dir, "partner-key", "list", "--region", "430527")
    assert listed.returncode == 0 and "绥宁人才网" in listed.stdout and "有效" in listed.stdout
    assert key.group(1) not in listed.stdout and key.group(1)[:13] in listed.stdout
    no_reason = openpes(data_dir, "partner-key", "revoke", "--id", number.group(1))
    assert no_reason.returncode == 2 and "吊销原因" in no_reason.stderr
    revoked = openpes(data_dir, "partner-key", "revoke", "--id", number.group(1), "--reason", "测试结束")
    assert revoked.returncode == 0, revoked.stderr
    assert "已吊销密钥" in revoked.stdout
    assert "已吊销" in openpes(data_dir, "partner-key", "list").stdout


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


def test_the_help_says_every_command_in_chinese():
    from openpes.cli import COMMANDS, SUMMARIES, build_parser

    assert set(SUMMARIES) == set(COMMANDS)
    shown = build_parser().format_help()
    for name, summary in SUMMARIES.items():
        assert re.search(r"[\u4e00-\u9fff]", summary), name
        assert summary[:10] in shown, name


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
    # The demo's few hundred vacancies got their tantivy index at the first publish, in the data directory.
    index = data_dir / "job-search"
    assert (index / "current").is_file() and (index / (index / "current").read_text()).is_dir()
    worker = openpes(data_dir, "worker", "--once")
    assert worker.returncode == 0, worker.stderr
    refreshed = openpes(data_dir, "refresh-employment", "--region", "430527")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "已重新认定" in refreshed.stdout
    expired = openpes(data_dir, "expire-vacancies")
    assert expired.returncode == 0, expired.stderr
    assert "已下架到期岗位 0 个" in expired.stdout  # the demo's expired ones were taken out when it was built
    generation = (index / "current").read_text()
    rebuilt = openpes(data_dir, "rebuild-job-search")
    assert rebuilt.returncode == 0, rebuilt.stderr
    published = int(re.search(r"已重建岗位搜索索引：(\d+) 个", rebuilt.stdout)[1])  # type: ignore[index]
    assert published > 0
    assert (index / "current").read_text() != generation and not (index / generation).exists()
    dry = openpes(data_dir, "dedup-vacancies", "--merge-certain", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert re.search(r"已查重 \d+ 个单位的 \d+ 个在招岗位（试运行，未写入）", dry.stdout), dry.stdout
    scanned = openpes(data_dir, "dedup-vacancies")
    assert scanned.returncode == 0 and "新标记疑似重复" in scanned.stdout, scanned.stderr


# ---------------------------------------------------------------------------------------------------------
# openpes normalise vacancies: no database, so it runs in-process here (main() leaves Django alone for it).


def normalise(*args: str) -> int:
    from openpes.cli import main

    return main(["normalise", "vacancies", *args])


def sample_postings(encoding: str) -> list[dict[str, str]]:
    """Real postings of shared/data/jobs/ that the encoding can hold, and a few crafted ones."""
    from tests.vacancies.postings import postings

    def fits(row: dict[str, str]) -> bool:
        try:
            "".join(row.values()).encode(encoding)
        except UnicodeEncodeError:
            return False
        return True

    real = [row for row in postings()[:200] if fits(row)][:60]
    crafted = [
        {"title": '=HYPERLINK("http://x")', "pay_text": "面议", "place_text": "日本东京"},
        {"title": "普工", "pay_text": "待遇优厚", "place_text": "长铺镇", "education_text": "-"},
        {
            "title": "",
            "pay_text": "3000元",
            "company": "某某劳务公司",
        },  # a row with no title is still written
    ]
    columns = list(real[0])
    return real + [{name: row.get(name, "") for name in columns} for row in crafted]


def written(rows: list[dict[str, str]], path: Path, encoding: str) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def read_output(path: Path) -> tuple[bytes, list[list[str]]]:
    import csv
    import io

    content = path.read_bytes()
    return content, list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_normalise_vacancies_writes_the_input_and_the_normalised_columns(tmp_path, capsys, encoding):
    from openpes.core.spreadsheet import spreadsheet_text
    from openpes.vacancies.normalise import normalise_posting
    from openpes.vacancies.normalise.posting import FIELD_FLAGS, OUTPUT_FIELDS

    rows = sample_postings(encoding)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    written(rows, source, encoding)
    assert normalise(str(source), "--out", str(target)) == 0
    out = capsys.readouterr().out
    content, table = read_output(target)
    assert content.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    header, data = table[0], table[1:]
    assert header == list(rows[0]) + list(OUTPUT_FIELDS)
    assert len(data) == len(rows)
    for row, line in zip(rows, data, strict=True):
        assert line[: len(row)] == [spreadsheet_text(value) for value in row.values()]
        expected = normalise_posting(row).cells()
        assert line[len(row) :] == [spreadsheet_text(expected[name]) for name in OUTPUT_FIELDS]
    formula = data[-3]
    assert formula[0].startswith("'=")
    assert formula[header.index("pay_negotiable")] == "1"
    assert "place_abroad" in formula[header.index("flags")].split("|")
    # The printed shares are those of the file written.
    flags_at = header.index("flags")
    for label, column, field in (("薪资", "pay_text", "pay"), ("工作地点", "place_text", "place")):
        filled = [line for line in data if line[header.index(column)].strip()]
        resolved = [line for line in filled if not set(line[flags_at].split("|")) & set(FIELD_FLAGS[field])]
        printed = re.search(rf"^{label}\s+(\d+)\s+(\d+)\s+([\d.]+)%\s+([\d.]+)%$", out, flags=re.MULTILINE)
        assert printed, out
        assert (int(printed.group(1)), int(printed.group(2))) == (len(filled), len(resolved))
        assert float(printed.group(3)) == pytest.approx(100 * len(resolved) / len(filled), abs=0.05)
        assert float(printed.group(4)) == pytest.approx(100 * len(resolved) / len(data), abs=0.05)
    assert f"已写入 {target}：{len(data)} 行" in out
    assert "place_abroad：1 行" in out
    to_review = sum(1 for line in data if line[flags_at])
    assert f"需人工核对 {to_review} 行（{100 * to_review / len(data):.1f}%）" in out


def test_normalise_vacancies_reads_names_inside_the_jurisdiction_first(tmp_path, capsys):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("职位名称,工作地点\n叉车司机,长铺镇\n", encoding="gbk")
    assert normalise(str(source), "--out", str(target), "--within", "430527") == 0
    _, table = read_output(target)
    assert table[1][table[0].index("region_name")] == "湖南省邵阳市绥宁县长铺镇"
    assert "GBK" in capsys.readouterr().out


def test_normalising_a_normalised_file_again_replaces_its_columns(tmp_path, capsys):
    from openpes.vacancies.normalise.posting import OUTPUT_FIELDS

    source, first, second = tmp_path / "in.csv", tmp_path / "first.csv", tmp_path / "second.csv"
    source.write_text("title,pay_text\n会计,5000-6000元\n", encoding="utf-8")
    assert normalise(str(source), "--out", str(first)) == 0
    assert normalise(str(first), "--out", str(second)) == 0
    assert read_output(second)[1] == read_output(first)[1]
    assert read_output(second)[1][0] == ["title", "pay_text", *OUTPUT_FIELDS]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "找不到文件"),
        ("garbage", "字符编码"),
        ("folder", "是一个文件夹"),
        ("no-title", "没有职位名称列"),
        ("no-out-folder", "输出文件夹"),
        ("same", "输出文件不能与输入文件相同"),
        ("bad-within", "--within"),
    ],
)
def test_normalise_vacancies_bad_input_is_one_chinese_line_and_exit_2(tmp_path, capsys, setup, message):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("title,pay_text\n会计,5000元\n", encoding="utf-8")
    extra: list[str] = []
    if setup == "missing":
        source = tmp_path / "none.csv"
    elif setup == "garbage":
        source.write_bytes(b"title\n\xff\xff\xfe\x80")
    elif setup == "folder":
        source = tmp_path
    elif setup == "no-title":
        source.write_text("pay_text,place_text\n5000元,长沙\n", encoding="utf-8")
    elif setup == "no-out-folder":
        target = tmp_path / "missing" / "out.csv"
    elif setup == "same":
        target = source
    elif setup == "bad-within":
        extra = ["--within", "43x"]
    before = sorted(p.name for p in tmp_path.iterdir())
    assert normalise(str(source), "--out", str(target), *extra) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), captured.err
    assert message in lines[0]
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_the_progress_bar_draws_on_a_terminal_only(capsys):
    import io

    from openpes.cli import ProgressBar

    drawn = io.StringIO()
    bar = ProgressBar(5, drawn, live=True)
    for _ in range(5):
        bar.step()
    bar.close()
    assert drawn.getvalue().rstrip("\n").split("\r")[-1].endswith("5/5 行（100%）")
    quiet = io.StringIO()  # not a terminal: a log file gets no carriage returns
    bar = ProgressBar(5000, quiet)
    for _ in range(5000):
        bar.step()
    bar.close()
    assert quiet.getvalue() == ""


def test_normalise_runs_without_django_or_a_database(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("title\n会计\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from openpes.cli import main\n"
        f"assert main(['normalise', 'vacancies', {str(source)!r}, '--out', {str(target)!r}]) == 0\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - our own fixed code
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no data directory made


def _children(parent: int) -> list[tuple[int, str]]:
    """(pid, command line) of a process's children, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append((int(entry.name), command))
    return found


def test_stopping_the_demo_stops_its_worker(tmp_path):
    import signal
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    demo = subprocess.Popen(  # noqa: S603 - our own console script
        [str(OPENPES), "--data-dir", str(tmp_path / "var"), "demo", "--persons", "50", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5):
                    break
            except OSError:
                time.sleep(0.5)
        workers = [pid for pid, command in _children(demo.pid) if "worker" in command]
        assert len(workers) == 1, "the demo starts one worker beside the server"
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
        time.sleep(1)
        assert not Path(f"/proc/{workers[0]}").exists(), "the worker outlived the demo"
    finally:
        if demo.poll() is None:
            demo.kill()


@pytest.mark.parametrize("threads", ["0", "-2", "八"])
def test_serve_refuses_a_thread_count_that_is_not_a_positive_number(threads, capsys):
    from openpes import cli

    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--threads", threads])
    assert exited.value.code == 2
    assert "正整数" in capsys.readouterr().err


def test_the_served_application_is_loaded_and_set_aside_from_the_garbage_collector():
    """What start-up built (settings, models, every URL and view) is frozen out of the collector's reach,
    so that a full collection in a request walks only what requests built."""
    import gc

    from django.urls import get_resolver

    from openpes import cli
    from openpes.wsgi import application

    gc.unfreeze()
    try:
        assert cli.loaded_application() is application
        assert gc.get_freeze_count() > 10_000
        patterns = get_resolver().url_patterns  # loaded by then, so frozen with the rest
        assert not any(tracked is patterns for tracked in gc.get_objects())
    finally:
        gc.unfreeze()
