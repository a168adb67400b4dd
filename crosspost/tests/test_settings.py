import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from crosspost.lib.env import envbool, envint, envlist, envweekday


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


@pytest.mark.parametrize("raw, day", [("monday", 0), ("Sunday", 6), (" friday ", 4), ("0", 0), ("6", 6), ("", 2)])
def test_envweekday_reads_names_and_python_numbers(monkeypatch, raw, day):
    monkeypatch.setenv("X_DAY", raw)
    assert envweekday("X_DAY", 2) == day


@pytest.mark.parametrize("raw", ["funday", "7", "-1", "mon"])
def test_envweekday_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("X_DAY", raw)
    with pytest.raises(ImproperlyConfigured, match="X_DAY must be a weekday name"):
        envweekday("X_DAY", 0)


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


def test_a_roundup_weekday_that_is_no_day_stops_start_up(tmp_path):
    result = _check({"NEWSLETTER_ROUNDUP_WEEKDAY": "someday", "CROSSPOST_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert ("ImproperlyConfigured: NEWSLETTER_ROUNDUP_WEEKDAY must be a weekday name (monday … sunday) or 0-6 "
            "with Monday 0, got 'someday'") in result.stderr


def test_the_roundup_weekday_defaults_to_monday_and_takes_a_name(tmp_path):
    for env, day in [({}, "0"), ({"NEWSLETTER_ROUNDUP_WEEKDAY": "thursday"}, "3")]:
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                                   "print(settings.NEWSLETTER_ROUNDUP_WEEKDAY)"],
            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "crosspost.settings",
                 "CROSSPOST_VAR_DIR": str(tmp_path), **env}, capture_output=True, text=True)
        assert result.stdout.strip() == day, result.stderr
