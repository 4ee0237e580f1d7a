"""SECURITY.md #13: production settings pass `check --deploy` with no warning, and production mode refuses
to start without its secrets. Settings are read once per process, so each case runs in a subprocess."""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured

import openpes.settings

REQUIRED = ("OPENPES_SECRET_KEY", "OPENPES_FIELD_KEYS", "OPENPES_INDEX_KEY", "OPENPES_ALLOWED_HOSTS")


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env |= {
        "OPENPES_MODE": "production",
        "OPENPES_SECRET_KEY": secrets.token_urlsafe(64),
        "OPENPES_FIELD_KEYS": "1:" + secrets.token_hex(32),
        "OPENPES_INDEX_KEY": secrets.token_hex(32),
        "OPENPES_ALLOWED_HOSTS": "pes.example.gov.cn",
        "OPENPES_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "openpes.settings",
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_with_production_settings_and_keeps_no_secret_on_disk(tmp_path):
    env = production_env(tmp_path, OPENPES_TRUSTED_PROXIES="127.0.0.1")
    result = run(["-m", "openpes.cli", "check", "--deploy"], env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output
    assert "WARNING" not in output.upper()
    assert "security.W" not in output
    data = Path(env["OPENPES_DATA_DIR"])
    assert not any((data / name).exists() for name in ("secret_key", "field_keys", "index_key"))


def test_production_without_any_secret_refuses_to_start_and_names_them_all(tmp_path):
    result = run(["-m", "openpes.cli", "check"], production_env(tmp_path, **dict.fromkeys(REQUIRED)))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in REQUIRED:
        assert name in result.stderr


# The remaining cases read the settings module afresh in this process, under a private module name, so
# that django.conf.settings of the test run is untouched.


def load_settings(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> ModuleType:
    for key in [k for k in os.environ if k.startswith("OPENPES_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("OPENPES_"):
            monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("openpes_settings_probe", openpes.settings.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_production_settings_are_hardened(tmp_path, monkeypatch):
    s = load_settings(monkeypatch, production_env(tmp_path, OPENPES_DEBUG="1"))
    assert s.DEBUG is False  # OPENPES_DEBUG=1 is ignored in production
    assert s.SESSION_COOKIE_SECURE is True
    assert s.CSRF_COOKIE_SECURE is True
    assert s.SECURE_SSL_REDIRECT is True
    assert s.SECURE_HSTS_SECONDS >= 31536000
    assert s.SESSION_COOKIE_HTTPONLY is True
    assert s.X_FRAME_OPTIONS == "DENY"
    assert s.ALLOWED_HOSTS == ["pes.example.gov.cn"]
    assert s.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert s.SESSION_IDLE_SECONDS == 1800
    assert s.SESSION_ABSOLUTE_SECONDS == 8 * 3600
    assert s.AUDIT_RETENTION_DAYS >= 180


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_without_one_secret_names_exactly_that_one(tmp_path, monkeypatch, missing):
    with pytest.raises(ImproperlyConfigured, match="refuses to start") as info:
        load_settings(monkeypatch, production_env(tmp_path, **{missing: None}))
    message = str(info.value)
    assert missing in message
    assert all(other not in message for other in REQUIRED if other != missing)


def test_production_refuses_a_short_secret_key(tmp_path, monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="at least 50 characters"):
        load_settings(monkeypatch, production_env(tmp_path, OPENPES_SECRET_KEY="x" * 49))


def test_unknown_mode_is_refused(tmp_path, monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="OPENPES_MODE"):
        load_settings(monkeypatch, production_env(tmp_path, OPENPES_MODE="prod"))


def test_demo_mode_keeps_its_generated_secrets_across_restarts(tmp_path, monkeypatch):
    env = {"OPENPES_DATA_DIR": str(tmp_path / "demo")}
    first = load_settings(monkeypatch, env)
    second = load_settings(monkeypatch, env)
    assert first.SECRET_KEY == second.SECRET_KEY and len(first.SECRET_KEY) >= 50
    assert first.FIELD_KEYS == second.FIELD_KEYS
    assert ((tmp_path / "demo" / "field_keys").stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("bad", [{"FIELD_KEYS": "1:abcd"}, {"INDEX_KEY": "not-hex"}])
def test_malformed_field_keys_fail_the_system_check(settings, bad):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    for name, value in bad.items():
        setattr(settings, name, value)
    with pytest.raises(SystemCheckError):
        call_command("check", fail_level="ERROR")
