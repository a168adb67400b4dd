import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from crosspost.lib.env import envbool, envint, envlist


def test_envbool_reads_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("TRUE", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert envbool("X_FLAG") is expected


def test_envbool_and_envint_refuse_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        envbool("X_FLAG")
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        envint("X_NUM", 1)


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert envlist("X_LIST") == ["a.example", "b.example"]


def _check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "crosspost.settings", **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_strong_secret(tmp_path):
    result = _check({"CROSSPOST_ENV": "production", "SECRET_KEY": "short", "ALLOWED_HOSTS": "news.example",
                     "CROSSPOST_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_bad_database_url_is_named_in_the_error(tmp_path):
    result = _check({"DATABASE_URL": "nosuchdb://x", "CROSSPOST_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_development_starts_with_nothing_configured(tmp_path):
    result = _check({"CROSSPOST_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()


def test_a_trusted_proxy_that_is_not_a_cidr_stops_start_up(tmp_path):
    result = _check({"CROSSPOST_TRUSTED_PROXIES": "10.0.0.0/8, nginx.internal", "CROSSPOST_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ImproperlyConfigured: CROSSPOST_TRUSTED_PROXIES must list IP addresses or CIDRs" in result.stderr
