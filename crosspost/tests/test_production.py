import json
import logging
import secrets
import subprocess
import sys

import pytest
from django.db import OperationalError
from lxml import html as lxml_html

from crosspost.lib.logging import JsonFormatter


def _crosspost(args: list[str], env: dict, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crosspost.cli", *args],
        env={"PATH": "/usr/bin:/bin", "CROSSPOST_VAR_DIR": str(tmp_path), **env},
        capture_output=True, text=True,
    )


def _deploy_check(tmp_path, **env) -> subprocess.CompletedProcess:
    return _crosspost(["check", "--deploy", "--fail-level", "WARNING"], {
        "CROSSPOST_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "news.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        **env,
    }, tmp_path)


def test_the_deploy_check_passes_with_secret_hosts_database_mail_and_redis_set(tmp_path):
    result = _deploy_check(tmp_path, EMAIL_HOST="smtp.news.example.org", REDIS_URL="redis://127.0.0.1:6379/15")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_warns_when_each_process_would_keep_its_own_cache(tmp_path):
    result = _deploy_check(tmp_path, EMAIL_HOST="smtp.news.example.org")
    assert result.returncode != 0
    assert "crosspost.W004" in result.stderr and "each web process's memory" in result.stderr


def test_the_deploy_check_fails_without_a_mail_server(tmp_path):
    result = _deploy_check(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    assert result.returncode != 0
    assert "crosspost.W003" in result.stderr + result.stdout and "EMAIL_HOST is not set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    result = _crosspost(["check"], {"CROSSPOST_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60)}, tmp_path)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_production_switches_on_secure_cookies_hsts_and_the_proxy_header(tmp_path):
    code = ("from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS > 0, s.SECURE_PROXY_SSL_HEADER)")
    result = _crosspost(["shell", "-c", code], {
        "CROSSPOST_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "news.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }, tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "False True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_demo_content_is_refused_in_production(tmp_path):
    env = {"CROSSPOST_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "n.example.org",
           "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    result = _crosspost(["demo"], env, tmp_path)  # refused before it reads the database
    assert result.returncode != 0 and "not loaded in production" in result.stderr


@pytest.mark.django_db
def test_reader_pages_carry_security_headers_and_need_no_inline_script(client, make_article):
    article = make_article("Headers")
    for path in ("/", article.url, "/search/?q=x", "/authors/ada-reporter/"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "form-action 'self' https://checkout.stripe.com https://billing.stripe.com;" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        tree = lxml_html.fromstring(response.content)
        for script in tree.xpath("//script"):
            assert script.get("src") or script.get("type") == "application/ld+json", path
        assert not tree.xpath("//@*[starts-with(name(), 'on')]"), path
        assert not tree.xpath("//style") and not tree.xpath("//@style"), path


@pytest.mark.django_db
def test_a_lost_database_gives_a_503_with_a_retry_hint(client, make_article, monkeypatch):
    from newsroom.models import HomePage

    def lost(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(HomePage, "get_context", lost)
    response = client.get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "back in a moment" in response.content.decode()


@pytest.mark.django_db
def test_other_database_errors_are_not_disguised_as_outages(client, monkeypatch):
    from newsroom.models import HomePage

    def broken(*args, **kwargs):
        raise OperationalError("no such column: x")

    monkeypatch.setattr(HomePage, "get_context", broken)
    client.raise_request_exception = False
    assert client.get("/").status_code == 500


def test_json_log_lines_are_one_object_each():
    record = logging.LogRecord("crosspost.test", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
    line = JsonFormatter().format(record)
    assert json.loads(line) | {"time": "t"} == {"time": "t", "level": "WARNING", "logger": "crosspost.test",
                                               "message": "hello world"}


@pytest.mark.django_db
def test_a_form_post_from_another_site_is_refused(client):
    response = client.post("/search/", {"q": "x"}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert client.post("/search/", {"q": "x"}, HTTP_ORIGIN="http://testserver").status_code == 405
    assert client.post("/search/", {"q": "x"}).status_code == 405  # servers send no Origin
    assert client.post("/search/", {"q": "x"}, HTTP_ORIGIN="http://[x").status_code == 403  # no browser sends that
    # The other scheme is another origin: a page on http://testserver may not post to https://testserver.
    assert client.post("/search/", {"q": "x"}, HTTP_ORIGIN="https://testserver").status_code == 403
    assert client.post("/search/", {"q": "x"}, HTTP_ORIGIN="http://testserver:8080").status_code == 403
