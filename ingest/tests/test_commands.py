import json
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ingest.tests.conftest import CORPUS, Reply, article_html
from newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ingest_prints_the_new_draft_as_json(web):
    url = web.route("/story", Reply(article_html(canonical="/story")))
    out, _ = run("ingest", url, "--json")
    data = json.loads(out)
    article = ArticlePage.objects.get()
    assert data == {
        "id": article.pk,
        "url": "/articles/harbour-to-dredge-northern-channel/",
        "status": "draft",
        "title": "Harbour to dredge northern channel",
        "authors": ["Ada Reporter", "Ben Writer"],
        "source": {"name": "The Harbour Ledger", "url": url},
        "date": "2024-05-02",
    }


def test_ingest_publishes_in_full_when_asked(web):
    out, _ = run("ingest", web.route("/story", Reply(article_html())), "--publish", "--full", "--json")
    assert json.loads(out)["status"] == "live"
    assert ArticlePage.objects.get().repost_mode == "full"


def test_ingest_refuses_an_original_already_reposted_and_names_it(web):
    url = web.route("/story", Reply(article_html()))
    first = json.loads(run("ingest", url, "--json")[0])
    with pytest.raises(CommandError, match=f"article {first['id']}"):
        run("ingest", url, "--json")
    assert ArticlePage.objects.count() == 1


@pytest.mark.parametrize(
    "reply", [Reply("gone", status=404), Reply(b"\x89PNG", content_type="image/png"), Reply("<p>Hi</p>")]
)
def test_ingest_errors_are_one_line_and_create_nothing(web, reply):
    with pytest.raises(CommandError) as error:
        run("ingest", web.route("/x", reply))
    assert "\n" not in str(error.value)
    assert not ArticlePage.objects.exists()


def test_ingest_refuses_loopback_unless_allowed(make_server, fetch_settings):
    server = make_server()
    with pytest.raises(CommandError, match="not a public address"):
        run("ingest", server.route("/story", Reply(article_html())))


def test_ingest_refuses_a_redirect_to_loopback_and_creates_nothing(make_server, fetch_settings):
    fetch_settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.2/32"]
    inside = make_server("127.0.0.1")
    target = inside.route("/story", Reply(article_html()))
    outside = make_server("127.0.0.2")
    outside.route("/c", Reply(status=302, headers={"Location": target}))
    outside.route("/b", Reply(status=301, headers={"Location": "/c"}))
    with pytest.raises(CommandError, match="connected to 127.0.0.1|resolves to 127.0.0.1"):
        run("ingest", outside.url("/b"))
    assert inside.requests == []
    assert not ArticlePage.objects.exists()


def test_ingest_gives_up_on_a_slow_server(web, settings):
    settings.CROSSPOST_FETCH_TIMEOUT = 1

    def slow(handler):
        time.sleep(1.5)
        return Reply(article_html())

    with pytest.raises(CommandError, match="did not answer|gave up"):
        run("ingest", web.route("/slow", slow))
    assert not ArticlePage.objects.exists()


def test_extract_prints_one_json_line_per_input_and_saves_nothing(web):
    url = web.route("/story", Reply(article_html()))
    page = str(CORPUS / "ledger-jsonld.html")
    out, _ = run("extract", url, page, "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["source"] for line in lines] == [url, page]
    assert set(lines[0]) == {
        "source", "title", "authors", "date", "publisher", "language", "canonical_url", "text", "html"
    }
    assert lines[0]["authors"] == ["Ada Reporter", "Ben Writer"]
    assert lines[0]["date"] == "2024-05-02"
    assert lines[0]["text"].startswith("The harbour authority")
    assert not ArticlePage.objects.exists()


def test_extract_reports_inputs_it_cannot_read(web):
    with pytest.raises(CommandError, match="1 of 1"):
        run("extract", "/nonexistent/page.html")
