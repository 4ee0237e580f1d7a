"""The `openpes` command. `openpes --help` and `openpes COMMAND --help` are its manual."""

from __future__ import annotations

import argparse
import errno
import getpass
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Handler] = {}
WITHOUT_DJANGO: set[str] = set()  # commands that touch no database: they run without setting Django up


def command(name: str, *, django: bool = True) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = fn
        if not django:
            WITHOUT_DJANGO.add(name)
        return fn

    return register


def setup_django(data_dir: str | None) -> None:
    if data_dir:
        os.environ["OPENPES_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpes.settings")
    import django

    django.setup()
    from openpes.core.datafiles import prepare_data_dir

    prepare_data_dir()


def fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return 2


def domain_errors(exc: Any) -> int:
    for error in exc.errors:
        print(f"错误：{error.field}：{error.message}", file=sys.stderr)
    return 2


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


@command("migrate")
def cmd_migrate(args: argparse.Namespace) -> int:
    """Create or upgrade the database tables."""
    migrate(verbosity=1)
    return 0


@command("load-reference")
def cmd_load_reference(args: argparse.Namespace) -> int:
    """Load the shipped reference data: divisions, occupations, industries; or import local corrections."""
    from openpes.core.errors import DomainError
    from openpes.regions import services as regions
    from openpes.taxonomy import services as taxonomy

    migrate()
    try:
        if args.corrections:
            rows = regions.parse_corrections(Path(args.corrections).read_text(encoding="utf-8-sig"))
            done = regions.import_corrections(actor=None, rows=rows)
            print(f"已导入区划本地更正 {len(done)} 条")
            return 0
        prefix = "" if args.regions == "all" else args.regions
        count = regions.load_national(prefix=prefix)
        print(f"行政区划：已载入 {count} 条（{prefix or '全国'}）")
        report = taxonomy.load_occupations()
        print(f"职业分类大典2022：已载入 {report.loaded} 条")
        if report.derived_parents:
            print(
                f"  注意：以下小类在数据中缺失，其细类的上级由代码推出：{', '.join(report.derived_parents)}"
            )
        if report.duplicates:
            print(f"  注意：以下代码在数据中重复出现，只载入第一条：{', '.join(report.duplicates)}")
        print(f"国民经济行业分类：已载入 {taxonomy.load_industries().loaded} 条")
    except DomainError as exc:
        return domain_errors(exc)
    except OSError as exc:
        return fail(f"无法读取文件：{exc}")
    return 0


@command("createstaff")
def cmd_createstaff(args: argparse.Namespace) -> int:
    """Create a staff account (the first administrator, or any other)."""
    # The operator on the command line holds the database and the keys, the root of trust: the password set
    # here works at once, unless --must-change-password asks its owner to replace it at the first sign-in.
    # Roles of more than one duty (administration, audit, registry work) are refused as on the page.
    from openpes.accounts import services as accounts
    from openpes.core.errors import DomainError

    migrate()
    password = args.password or os.environ.get("OPENPES_NEW_PASSWORD") or getpass.getpass("密码：")
    try:
        staff = accounts.staff_create(
            actor=None,
            username=args.username,
            full_name=args.name,
            password=password,
            jurisdiction_code=args.jurisdiction.ljust(12, "0"),
            roles=args.role,
            must_change_password=args.must_change_password,
        )
    except DomainError as exc:
        return domain_errors(exc)
    print(f"已创建工作人员 {staff}，辖区 {staff.jurisdiction.name}，角色 {'、'.join(staff.role_labels)}")
    if staff.must_change_password:
        print("该账号首次登录时须改为本人的密码")
    return 0


@command("token")
def cmd_token(args: argparse.Namespace) -> int:
    """Create or revoke a personal API token."""
    from openpes.accounts import services as accounts
    from openpes.accounts.models import ApiToken, Staff
    from openpes.core.errors import DomainError

    if args.action == "create":
        staff = Staff.objects.filter(username=args.user, is_active=True).first()
        if staff is None:
            return fail(f"没有启用的工作人员 {args.user}")
        try:
            token, raw = accounts.token_create(actor=staff, name=args.name, days=args.days)
        except DomainError as exc:
            return domain_errors(exc)
        print(f"令牌（只显示这一次，请妥善保存）：{raw}")
        print(f"编号 {token.pk}，到期 {token.expires_at:%Y-%m-%d %H:%M}")
        return 0
    found = ApiToken.objects.filter(pk=args.id).select_related("staff").first() if args.id else None
    if found is None:
        return fail("没有这个令牌编号")
    accounts.token_revoke(actor=found.staff, token=found)
    print(f"已吊销令牌 {found}")
    return 0


@command("partner-key")
def cmd_partner_key(args: argparse.Namespace) -> int:
    """Issue, list or revoke the API keys of partner systems."""
    from openpes.accounts import services as accounts
    from openpes.accounts.models import Partner, PartnerKey
    from openpes.core.errors import DomainError

    if args.action == "list":
        keys = PartnerKey.objects.select_related("partner").order_by(
            "partner__region_code", "partner__name", "-id"
        )
        if args.region:
            keys = keys.filter(partner__region_code__startswith=args.region.rstrip("0") or args.region)
        for key in keys:
            until = f"{key.expires_at:%Y-%m-%d}" if key.expires_at else "直至吊销"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "从未使用"
            print(
                f"{key.pk}\t{key.prefix}…\t{key.partner.name}\t{key.partner.region_code}\t"
                f"{','.join(key.scopes)}\t{key.status}\t到期 {until}\t最近使用 {used}"
            )
        return 0
    try:
        if args.action == "create":
            if not args.partner or not args.region or not args.scopes:
                return fail("create 需要 --partner、--region 和 --scopes")
            region = args.region.ljust(12, "0")
            partner = Partner.objects.filter(name=args.partner.strip(), region_code=region).first()
            if partner is None:
                partner = accounts.partner_create(actor=None, name=args.partner, region_code=region)
                print(f"已登记合作系统 {partner.name}（{partner.region_code}）")
            key, raw = accounts.partner_key_create(
                actor=None, partner=partner, scopes=args.scopes.split(","), days=args.days
            )
            print(f"密钥（只显示这一次，请通过可靠渠道交给合作系统的负责人）：{raw}")
            until = f"{key.expires_at:%Y-%m-%d %H:%M}" if key.expires_at else "直至吊销"
            print(f"编号 {key.pk}，权限 {','.join(key.scopes)}，到期 {until}")
            return 0
        found = PartnerKey.objects.filter(pk=args.id).select_related("partner").first() if args.id else None
        if found is None:
            return fail("没有这个密钥编号")
        accounts.partner_key_revoke(actor=None, key=found, reason=args.reason or "")
    except DomainError as exc:
        return domain_errors(exc)
    print(f"已吊销密钥 {found.prefix}…（{found.partner.name}）")
    return 0


@command("check")
def cmd_check(args: argparse.Namespace) -> int:
    """Run Django's system checks (--deploy for production settings)."""
    from django.core.management import call_command

    try:
        call_command("check", deploy=args.deploy, fail_level="WARNING")
    except SystemExit as exc:
        return int(exc.code or 1)
    except Exception as exc:
        return fail(str(exc))
    return 0


@command("audit-purge")
def cmd_audit_purge(args: argparse.Namespace) -> int:
    """Delete audit rows older than the retention period (at least 180 days)."""
    from openpes.audit.services import purge

    for table, count in purge().items():
        print(f"{table}: 删除 {count} 条")
    return 0


@command("otp-code")
def cmd_otp_code(args: argparse.Namespace) -> int:
    """Print the current TOTP code of a demo account (demo mode only)."""
    from django.conf import settings
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if settings.PRODUCTION:
        return fail("该命令只能在演示模式下使用")
    device = TOTPDevice.objects.filter(user__username=args.user, confirmed=True).first()
    if device is None:
        return fail(f"{args.user} 没有已绑定的身份验证器")
    print(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}")
    return 0


def collect_static() -> None:
    """Hash and compress the static files into the data directory when they changed (core/staticfiles.py)."""
    from openpes.core.staticfiles import collect, is_current

    if not is_current():
        print("正在压缩静态文件（首次启动或升级后，约需十几秒）……", flush=True)
        collect(force=True)


@command("collect-static")
def cmd_collect_static(args: argparse.Namespace) -> int:
    """Hash and compress the static files (serve and demo do it themselves; for another WSGI server)."""
    from openpes.core.staticfiles import collect

    collect(force=args.force)
    print("静态文件已就绪")
    return 0


def waitress_options(*, host: str, port: int, threads: int) -> dict[str, Any]:
    """What `openpes serve` gives waitress. Proxy headers pass through untouched: the application judges
    them itself (openpes.wsgi: believed from OPENPES_TRUSTED_PROXIES only, removed from anyone else)."""
    return {
        "host": host,
        "port": port,
        "threads": threads,
        "ident": "OpenPES",
        "clear_untrusted_proxy_headers": False,
    }


def bind(host: str, port: int, threads: int) -> Any:
    """The waitress server, listening on host:port but not yet serving (OSError if the address is taken)."""
    from waitress.server import create_server

    return create_server(loaded_application(), **waitress_options(host=host, port=port, threads=threads))


def loaded_application() -> Any:
    """The WSGI application, its URLs (and through them every view) imported, and all that start-up built
    set aside from the garbage collector (`gc.freeze`): a full collection walked those objects again each
    time, about 80 ms on the benchmark machine, inside whichever request set it off (the tail of
    benchmarks/api_load.py). What requests build is still collected."""
    import gc

    from django.urls import get_resolver

    from openpes.wsgi import application

    get_resolver().url_patterns  # noqa: B018 - imports every urls module and its views now
    gc.collect()
    gc.freeze()
    return application


def check_port(host: str, port: int) -> None:
    """Raise OSError now if host:port cannot be bound, before any slow start-up work; the server binds it
    for real later."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # as the servers do: a port left in TIME_WAIT by a stopped server is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def cannot_bind(host: str, port: int, exc: Exception) -> int:
    if not isinstance(exc, OSError):  # ImproperlyConfigured: e.g. a malformed OPENPES_TRUSTED_PROXIES
        return fail(str(exc))
    if exc.errno == errno.EADDRINUSE or getattr(exc, "winerror", None) == 10048:  # WSAEADDRINUSE
        return fail(f"端口 {port} 已被占用，请用 --port 指定其他端口")
    return fail(f"无法在 {host}:{port} 上启动服务：{exc.strerror or exc}")


def serve(server: Any, host: str, port: int) -> None:
    print(f"OpenPES 已启动：http://{host}:{port}/   （按 Ctrl+C 停止）", flush=True)
    try:
        server.run()
    finally:
        server.close()


# Threads per process. One process (waitress) waits on the database in some threads while others run; with
# several processes, each runs one (gunicorn's own default), since threads of one process take turns on
# Python's lock: at 8 threads a list request cost 5.2 ms of CPU against 4.0 at 1 or 2, and one thread gave
# the steadiest rates (benchmarks/api_load.py, docs/benchmarks.md).
THREADS_ALONE = 8
THREADS_PER_WORKER = 1


def serve_processes(host: str, port: int, workers: int, threads: int) -> int:
    """Serve with gunicorn: `workers` processes of `threads` threads each, so that every core works.

    waitress (`serve`) is one process, whose Python runs on one core at a time; it stays the default because
    it also runs on Windows. gunicorn forks, so it runs on Linux and other Unix systems only.
    """
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # Windows: gunicorn is not installed there
        return fail("多进程服务（--workers）只能在 Linux 上使用；在 Windows 上请去掉 --workers")
    from django.db import connections

    # The workers are forked from this process: none may inherit its database connection.
    connections.close_all()
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "keepalive": 5,
        "timeout": 120,
        "graceful_timeout": 30,
        "proc_name": "openpes",
        # Proxy headers are judged by the application (openpes.wsgi, OPENPES_TRUSTED_PROXIES) as under
        # waitress; gunicorn must not believe X-Forwarded-Proto from 127.0.0.1 on its own.
        "secure_scheme_headers": {},
        "forwarded_allow_ips": "",
        "errorlog": "-",
        # gunicorn 24+ opens a control socket in the home directory; OpenPES does not use it, and two
        # instances on one machine would share its path.
        "control_socket_disable": True,
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:  # in each worker, after the fork
            return loaded_application()

    print(f"OpenPES 已启动（{workers} 个进程）：http://{host}:{port}/   （按 Ctrl+C 停止）", flush=True)
    Server().run()
    return 0


@command("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web pages and the API (waitress; with --workers N, N processes under gunicorn)."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        check_port(args.host, args.port)
    except OSError as exc:
        return cannot_bind(args.host, args.port, exc)
    collect_static()  # before the application loads: WhiteNoise lists the collected files as it starts
    try:
        server = bind(args.host, args.port, args.threads or THREADS_ALONE)
    except (OSError, ImproperlyConfigured) as exc:
        return cannot_bind(args.host, args.port, exc)
    migrate()
    if args.workers:
        server.close()  # the address was free: gunicorn's master process binds it again
        return serve_processes(args.host, args.port, args.workers, args.threads or THREADS_PER_WORKER)
    serve(server, args.host, args.port)
    return 0


@command("demo")
def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo county (绥宁县) on first run, print the logins, and serve it."""
    import time

    from django.core.exceptions import ImproperlyConfigured

    from openpes.demo.services import DEMO_PASSWORD, build_demo

    server = None
    if not args.no_serve:
        try:
            check_port(args.host, args.port)
        except OSError as exc:
            return cannot_bind(args.host, args.port, exc)
        collect_static()  # before the application loads: WhiteNoise lists the collected files as it starts
        try:  # before the build, so that a port in use is said at once, not after a minute of work
            server = bind(args.host, args.port, args.threads or THREADS_ALONE)
        except (OSError, ImproperlyConfigured) as exc:
            return cannot_bind(args.host, args.port, exc)
    started = time.monotonic()
    migrate()
    report = build_demo(persons=args.persons, seed=args.seed)
    took = time.monotonic() - started
    if report.already_built:
        print(f"演示县已存在（{report.persons} 人），直接启动。")
    else:
        print(f"已建成演示县 绥宁县：{report.households} 户 {report.persons} 人，用时 {took:.1f} 秒。")
        if report.vacancies:
            from openpes.vacancies.choices import VacancyStatus

            states = "，".join(f"{VacancyStatus(s).label} {n}" for s, n in report.vacancies.items() if n)
            print(f"岗位 {sum(report.vacancies.values())} 个：{states}。")
    print(f"\n登录账号（密码均为 {DEMO_PASSWORD}）：")
    for login in report.logins:
        print(f"  {login.level:<3} {login.place:<14} {login.role:<14} {login.username}")
    if report.employer_logins:
        print("\n单位网上账号（在 /jobs/employer/login/ 用统一社会信用代码登录，密码同上）：")
        for login in report.employer_logins:
            print(f"  {login.place:<20} {login.role:<14} {login.username}")
    if report.admin_totp_secret:
        print(
            f"\n系统管理员 admin 须用身份验证器登录：密钥 {report.admin_totp_secret}"
            "（或运行 `openpes otp-code admin` 查看当前验证码）"
        )
    if server is None:
        return 0
    print()
    worker = start_worker()
    # A service manager stops the demo with SIGTERM, whose default ends Python without running `finally`:
    # turn it into an ordinary exit, so that the worker is stopped with the server and never left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(server, args.host, args.port)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return 0


def start_worker() -> Any:
    """The background worker beside the demo's server: a process of its own (`openpes worker`), so that
    one command gives a county everything, big imports included. Production runs it as its own service."""
    import subprocess

    return subprocess.Popen(
        [sys.executable, "-m", "openpes.cli", "worker"], stdout=subprocess.DEVNULL, env=os.environ.copy()
    )


@command("worker")
def cmd_worker(args: argparse.Namespace) -> int:
    """Run queued background work (big survey imports …); --once to run what is queued and stop."""
    from django.core.management import call_command

    migrate()
    from openpes.vacancies.search import index as job_search_index

    # A database too big for a writer to index on the spot gets its job search index here, in the
    # background process (searches answer from the database meanwhile).
    if job_search_index.ensure():
        print("已建立岗位搜索索引", flush=True)
    print("后台任务进程已启动（按 Ctrl+C 停止）" if not args.once else "正在处理排队的后台任务……", flush=True)
    call_command("db_worker", batch=args.once, verbosity=1, startup_delay=not args.once, reload=False)
    return 0


@command("import")
def cmd_import(args: argparse.Namespace) -> int:
    """Import a labour-force survey workbook (实名制数据采集表) for one village, or a vacancy file, acting as a
    staff member."""
    from openpes.accounts.models import Staff
    from openpes.core.context import RequestContext, acting
    from openpes.core.errors import DomainError
    from openpes.employment.services import survey_import as importing

    path = Path(args.file)
    if not path.is_file():
        return fail(f"找不到文件 {path}")
    if args.kind == "survey" and not args.region:
        return fail("导入采集表须用 --region 指定村（社区）的12位区划代码")
    migrate()
    staff = Staff.objects.filter(username=args.as_user, is_active=True).first()
    if staff is None:
        return fail(f"没有名为 {args.as_user} 的在用工作人员账号")
    if args.kind == "vacancies":
        return _import_vacancies(args, staff, path)
    if not staff.has_perm("employment.change_employmentprofile"):
        return fail(f"{args.as_user} 的角色不能导入采集表")
    content = path.read_bytes()
    region = args.region.ljust(12, "0")
    with acting(RequestContext(channel="cli")):
        try:
            preview = importing.survey_preview(
                actor=staff, region_code=region, filename=path.name, content=content
            )
            for line, message in preview.problems[:30]:
                print(f"第{line}行：{message}")
            if len(preview.problems) > 30:
                print(f"……共 {len(preview.problems)} 个问题")
            total = len(preview.survey.rows)
            if args.dry_run:
                print(
                    f"检查完毕（未导入）：共 {total} 行，新登记 {preview.new} 人，已登记 {preview.existing} 人，"
                    f"有问题 {preview.problem_rows} 行"
                )
                return 2 if preview.problems and args.mode == "all" else 0
            record = importing.survey_check(
                actor=staff,
                region_code=region,
                filename=path.name,
                content=content,
                mode=args.mode,
                preview=preview,
            )
            bar = ProgressBar(preview.new, sys.stderr)
            try:
                importing.survey_import(
                    actor=staff, record=record, progress=bar.update, preview=preview, overlap=True
                )
            finally:
                bar.close()
        except DomainError as exc:
            return domain_errors(exc)
    print(
        f"{record.get_status_display()}：新登记 {record.created}，更新 {record.updated}，"
        f"无变化 {record.unchanged}，未导入 {record.refused}"
    )
    return 0 if record.status == "done" else 2


def _import_vacancies(args: argparse.Namespace, staff: Any, path: Path) -> int:
    from openpes.core.context import RequestContext, acting
    from openpes.core.errors import DomainError
    from openpes.vacancies.services import file_import

    if not staff.has_perm("vacancies.add_vacancy"):
        return fail(f"{args.as_user} 的角色不能登记岗位")
    content = path.read_bytes()
    mode = "valid" if args.valid_only else "all"
    with acting(RequestContext(channel="cli")):
        try:
            plan = file_import.vacancy_file_preview(actor=staff, filename=path.name, content=content)
            problems = [(row.row.line, message) for row in plan.rows for message in row.problems]
            for line, message in problems[:30]:
                print(f"第{line}行：{message}")
            if len(problems) > 30:
                print(f"……共 {len(problems)} 个问题")
            drafts = sum(1 for row in plan.good if row.blocked)
            summary = f"共 {len(plan.rows)} 行，无误 {len(plan.good)} 行（其中含违法内容提示、将留作草稿 {drafts} 行），有问题 {plan.problem_rows} 行"
            if args.dry_run:
                print(f"检查完毕（未导入）：{summary}")
                return 2 if plan.problem_rows and mode == "all" else 0
            record = file_import.vacancy_file_check(
                actor=staff, filename=path.name, content=content, mode=mode, plan=plan
            )
            file_import.vacancy_file_import(actor=staff, record=record, plan=plan)
        except DomainError as exc:
            return domain_errors(exc)
    print(
        f"{record.get_status_display()}：导入 {record.created} 个岗位（待审核 {record.created - record.drafts}，"
        f"留作草稿 {record.drafts}），未导入 {record.refused} 行"
        + (f"。{record.message}" if record.message else "")
    )
    return 0 if record.status == "done" else 2


@command("refresh-employment")
def cmd_refresh_employment(args: argparse.Namespace) -> int:
    """Re-derive key groups, tiers and zero-employment households (run daily: time alone changes them)."""
    from django.utils import timezone

    from openpes.employment import services as employment

    migrate()
    counts = employment.refresh_all(prefix=args.region, on=timezone.localdate())
    print(
        f"已重新认定 {counts.persons} 人：重点群体新增 {counts.groups_started}、结束 {counts.groups_ended}；"
        f"零就业家庭新认定 {counts.households_found} 户、清零 {counts.households_cleared} 户"
    )
    return 0


@command("expire-vacancies")
def cmd_expire_vacancies(args: argparse.Namespace) -> int:
    """Mark published vacancies past their validity as expired (run daily; public lists leave them out on
    the day after their validity whether or not this has run)."""
    from openpes.vacancies import services as vacancies

    migrate()
    print(f"已下架到期岗位 {vacancies.vacancies_expire()} 个")
    return 0


@command("rebuild-job-search")
def cmd_rebuild_job_search(args: argparse.Namespace) -> int:
    """Index every published vacancy afresh for the job search (after restoring a backup, or when the
    segmentation or the synonyms change; the services keep the index in step otherwise)."""
    from openpes.vacancies import search

    migrate()
    try:
        count = search.rebuild()
    except search.index.LockBusy as busy:
        return fail(str(busy))
    print(f"已重建岗位搜索索引：{count} 个已发布岗位")
    return 0


@command("dedup-vacancies")
def cmd_dedup_vacancies(args: argparse.Namespace) -> int:
    """Find duplicates among the open vacancies as the intake does: mark the probable ones for staff, link
    the re-posts, and with --merge-certain merge word-for-word repeats from another channel; --dry-run
    counts without writing."""
    from openpes.vacancies import services as vacancies

    migrate()
    progress = ProgressBar(0, sys.stderr, live=sys.stderr.isatty())

    def step(done: int, total: int) -> None:
        progress.total = total
        progress.update(done)

    result = vacancies.dedup_scan(merge_certain=args.merge_certain, dry_run=args.dry_run, progress=step)
    progress.close()
    would = "（试运行，未写入）" if args.dry_run else ""
    print(
        f"已查重 {result.employers} 个单位的 {result.vacancies} 个在招岗位{would}：文字相同 {result.certain} 对，"
        f"{'将' if args.dry_run else '已'}合并 {result.merged} 个，新标记疑似重复 {result.suggested} 对，"
        f"新关联重新发布 {result.reposts} 个"
    )
    for line in result.examples:
        print(f"  {line}")
    return 0


BIG_FILE_ROWS = (
    1000  # from here a file gets a progress bar and its rate printed; smaller ones are done at once
)


class ProgressBar:
    """A one-line progress bar on a terminal (stderr), redrawn at most ten times a second; silent when the
    output goes to a file or a pipe, or when there is little to do."""

    WIDTH = 30

    def __init__(self, total: int, stream: Any, *, live: bool | None = None) -> None:
        self.total, self.stream, self.done = total, stream, 0
        self.live = total >= BIG_FILE_ROWS and stream.isatty() if live is None else live
        self.drawn_at = 0.0

    def step(self) -> None:
        import time

        self.done += 1
        now = time.monotonic()
        if self.live and (now - self.drawn_at >= 0.1 or self.done == self.total):
            self.drawn_at = now
            filled = self.WIDTH * self.done // max(self.total, 1)
            share = 100 * self.done // max(self.total, 1)
            bar = "█" * filled + "░" * (self.WIDTH - filled)
            self.stream.write(f"\r正在处理 {bar} {self.done:,}/{self.total:,} 行（{share}%）")
            self.stream.flush()

    def update(self, done: int) -> None:
        """Jump to `done` (for work that reports in chunks)."""
        self.done = done - 1
        self.step()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()


def display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to the widest cell, as a terminal shows Chinese (two columns a character)."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


@command("normalise", django=False)
def cmd_normalise(args: argparse.Namespace) -> int:
    """Normalise a CSV of vacancies (occupation, pay, place, education, experience, work type); no database."""
    import time

    from openpes.vacancies.normalise.place import resolve_place
    from openpes.vacancies.normalise.posting import (
        ACCEPTED_CONFIDENCE,
        FIELD_LABELS,
        FLAG_LABELS,
        OUTPUT_FIELDS,
        ResolvedShares,
        normalise_posting,
    )
    from openpes.vacancies.normalise.postings_file import (
        PostingsFileError,
        check_writable,
        read_postings,
        write_postings,
    )

    source, target = Path(args.input), Path(args.out)
    started = time.monotonic()
    try:
        if target.resolve() == source.resolve():
            return fail("输出文件不能与输入文件相同，请用 --out 指定另一个文件名")
        check_writable(target)
        resolve_place("", within=args.within)  # a --within that is no division code stops here, in Chinese
        table = read_postings(source)
    except PostingsFileError as exc:
        return fail(str(exc))
    except ValueError as exc:
        return fail(f"--within：{exc}")
    # Columns of an earlier run are replaced, not repeated, when a normalised file is normalised again.
    kept = [i for i, header in enumerate(table.headers) if header not in OUTPUT_FIELDS]
    shares = ResolvedShares()
    progress = ProgressBar(len(table.rows), sys.stderr)

    def normalised_rows() -> Iterator[list[str]]:
        # Written as they are made, so that a big file's results are never all in memory at once.
        for row in table.rows:
            posting = table.posting(row)
            result = normalise_posting(posting, within=args.within)
            shares.add(posting, result)
            cells = result.cells()
            yield [row[i] for i in kept] + [cells[name] for name in OUTPUT_FIELDS]
            progress.step()

    try:
        write_postings(target, [table.headers[i] for i in kept] + list(OUTPUT_FIELDS), normalised_rows())
    except PostingsFileError as exc:
        progress.close()
        return fail(str(exc))
    progress.close()
    took = time.monotonic() - started
    count = shares.rows
    # On a small file the time is that of loading the tables, and a rate would mislead.
    speed = f"，每秒 {count / took:,.0f} 行" if count >= BIG_FILE_ROWS and took > 0 else ""
    print(f"已写入 {target}：{count:,} 行（输入 {table.source}），用时 {took:.1f} 秒{speed}")
    if table.widened:
        print(f"注意：有 {table.widened:,} 行的格数多于列名，多出的格未读取，也未写入结果", file=sys.stderr)
    lines = [["字段", "有填写", "已识别", "占有填写", "占全部行"]]
    for name, label in FIELD_LABELS.items():
        lines.append(
            [
                label,
                f"{shares.filled[name]:,}",
                f"{shares.resolved[name]:,}",
                percent(shares.share_of_filled(name)),
                percent(shares.share_of_rows(name)),
            ]
        )
    print("\n".join(table_lines(lines)))
    print(
        f"（职业：首选职业的把握 ≥ {ACCEPTED_CONFIDENCE} 计为已识别；未识别的行在 flags 列标出，原因见 reasons 列）"
    )
    if shares.to_review:
        print(
            f"需人工核对 {shares.to_review:,} 行（{percent(shares.to_review / shares.rows)}），按 flags 列："
        )
    for flag, count in shares.flagged.most_common():
        print(f"  {flag}：{count:,} 行，{FLAG_LABELS[flag]}")
    return 0


def positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是 {raw!r}")
    return value


# What `openpes --help` says of each command: in Chinese, as every message a user sees. The docstrings of the
# handlers say the same for developers.
SUMMARIES = {
    "serve": "启动网页和接口服务（waitress 单进程；加 --workers N 则用 gunicorn 多进程，仅 Linux）",
    "demo": "首次运行时建成演示县（绥宁县），打印登录账号并启动服务",
    "migrate": "建立或升级数据库表",
    "load-reference": "载入随附的参考数据（行政区划、职业分类、行业分类），或导入本地区划更正",
    "createstaff": "创建工作人员账号（首个管理员或其他人员）",
    "token": "创建或吊销个人接口令牌",
    "partner-key": "签发、列出或吊销合作系统的接口密钥（合作系统通过接口发布岗位）",
    "check": "运行系统检查（--deploy 按生产环境要求检查）",
    "audit-purge": "删除超过保留期（至少 180 天）的审计记录",
    "collect-static": "压缩并生成静态文件（serve 和 demo 会自动完成；供其他 WSGI 服务器使用）",
    "otp-code": "显示演示账号当前的动态验证码（仅演示模式）",
    "worker": "运行排队的后台任务（大文件的采集表导入等）；--once 处理完即退出",
    "import": "导入一个村（社区）的实名制数据采集表，或一个岗位表（办事处、招聘会的岗位），按指定工作人员的辖区检查",
    "refresh-employment": "重新认定重点群体、服务分级和零就业家庭（每天运行一次：时间本身会改变认定结果）",
    "expire-vacancies": "将超过有效期的已发布岗位标记为已过期（每天运行一次）",
    "rebuild-job-search": "重建岗位搜索索引（恢复备份后或同义词表更新后运行）",
    "dedup-vacancies": "查找在招岗位中的重复岗位：标记疑似重复、关联重新发布；--merge-certain 合并文字相同的",
    "normalise": "规范化招聘信息文件：职业编码、薪资、工作地点、学历、经验、用工形式（不需要数据库）",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="openpes", description="OpenPES 公共就业服务信息平台")
    parser.add_argument("--data-dir", help="数据目录（默认 ./var 或 OPENPES_DATA_DIR）")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=SUMMARIES.get(name) or (COMMANDS[name].__doc__ or "").strip())
        # Accepted after the command too (`openpes demo --data-dir D`); SUPPRESS keeps a value given before it.
        p.add_argument(
            "--data-dir", default=argparse.SUPPRESS, help="数据目录（默认 ./var 或 OPENPES_DATA_DIR）"
        )
        return p

    for name in ("serve", "demo"):
        p = add(name)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument(
            "--threads",
            type=positive,
            default=None,
            help=f"每个进程的线程数（默认：单进程 {THREADS_ALONE}，多进程 {THREADS_PER_WORKER}）",
        )
    sub.choices["serve"].add_argument(
        "--workers",
        type=positive,
        default=0,
        help="进程数（仅 Linux，用 gunicorn；如 $(nproc)）；不填则单进程（waitress，Windows 也可用）",
    )
    demo = sub.choices["demo"]
    demo.add_argument("--persons", type=int, default=3000, help="演示人数（默认 3000）")
    demo.add_argument("--seed", type=int, default=430527)
    demo.add_argument("--no-serve", action="store_true", help="只建数据，不启动服务")
    add("migrate")
    p = add("load-reference")
    p.add_argument("--regions", default="all", help="区划范围：all（全国，默认）或代码前缀如 43、430527")
    p.add_argument(
        "--corrections", help="导入本地区划更正 CSV（列：code,kind,name,parent_code,replaced_by,note）"
    )
    p = add("createstaff")
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--jurisdiction", required=True, help="辖区区划代码，如 430527")
    p.add_argument(
        "--role",
        action="append",
        required=True,
        help="角色，可重复："
        + "、".join(
            [
                "village_broker",
                "township_officer",
                "county_officer",
                "counsellor",
                "specialist",
                "manager",
                "administrator",
                "auditor",
            ]
        ),
    )
    p.add_argument("--password", help="不填则提示输入")
    p.add_argument(
        "--must-change-password",
        action="store_true",
        help="首次登录时须改为本人的密码（为他人建账号时使用；不加时，命令行操作者设置的密码直接有效）",
    )
    p = add("token")
    p.add_argument("action", choices=["create", "revoke"])
    p.add_argument("--user", help="create：令牌所属工作人员的登录名")
    p.add_argument("--name", default="命令行创建", help="create：用途")
    p.add_argument("--days", type=int, default=None, help="create：有效天数（默认 90）")
    p.add_argument("--id", type=int, help="revoke：令牌编号")
    p = add("partner-key")
    p.add_argument("action", choices=["create", "list", "revoke"])
    p.add_argument("--partner", help="create：合作系统名称（该区划没有同名系统时新登记）")
    p.add_argument("--region", help="create：服务区划代码，如 430527；list：只列该区划及以下")
    p.add_argument("--scopes", help="create：权限范围，逗号分隔：vacancies:write,vacancies:read,jobs:read")
    p.add_argument("--days", type=int, default=None, help="create：有效天数（不填则直至吊销）")
    p.add_argument("--id", type=int, help="revoke：密钥编号（见 list）")
    p.add_argument("--reason", help="revoke：吊销原因")
    p = add("check")
    p.add_argument("--deploy", action="store_true", help="按生产环境要求检查")
    add("audit-purge")
    p = add("collect-static")
    p.add_argument("--force", action="store_true", help="即使文件未变也重新生成")
    p = add("otp-code")
    p.add_argument("user")
    p = add("worker")
    p.add_argument("--once", action="store_true", help="处理完排队的任务就退出")
    p = add("import")
    p.add_argument(
        "kind", choices=["survey", "vacancies"], help="survey：实名制数据采集表；vacancies：岗位表"
    )
    p.add_argument("file", help="文件（.xlsx、.xls 或 .csv）")
    p.add_argument("--region", default="", help="采集表：村（社区）的12位区划代码")
    p.add_argument(
        "--as", dest="as_user", required=True, help="以哪位工作人员的身份导入（登录名），按其辖区检查"
    )
    p.add_argument(
        "--mode",
        choices=["all", "valid"],
        default="valid",
        help="采集表：all：全部无误才导入；valid：只导入无误的行（默认）",
    )
    p.add_argument("--valid-only", action="store_true", help="岗位表：只导入无误的行（默认全部无误才导入）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不导入")
    p = add("refresh-employment")
    p.add_argument("--region", default="", help="区划代码前缀，如 430527（默认全部）")
    add("expire-vacancies")
    add("rebuild-job-search")
    p = add("dedup-vacancies")
    p.add_argument(
        "--merge-certain",
        action="store_true",
        help="合并与同一单位较早的在招岗位文字相同、来自其他渠道的岗位（撤回后者，来源移到前者）",
    )
    p.add_argument("--dry-run", action="store_true", help="只统计，不写入")
    p = add("normalise")
    p.add_argument("kind", choices=["vacancies"], help="vacancies：招聘岗位")
    p.add_argument(
        "input",
        metavar="IN.csv",
        help="输入文件：CSV（UTF-8 或 GBK，逗号或制表符分隔）或 Excel 工作簿；须有 title（职位名称）列",
    )
    p.add_argument(
        "--out", required=True, metavar="OUT.csv", help="输出 CSV（UTF-8 带 BOM，Excel 可直接打开）"
    )
    p.add_argument(
        "--within", default="", metavar="CODE", help="辖区区划代码前缀，如 430527：地名先在辖区内查找"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command not in WITHOUT_DJANGO:
        setup_django(args.data_dir)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
