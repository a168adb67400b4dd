"""The publish pipeline: one receiver, steps in a stated order, a failing step blocks nothing."""

from __future__ import annotations

import pytest
from wagtail.signals import page_published, page_unpublished

from engagement.models import WebhookDelivery, WebhookEndpoint
from newsroom import publishing
from search.models import ArticleSearchEntry

pytestmark = pytest.mark.django_db


def _our_receivers(signal) -> list[str]:
    return [r[1]().__module__ for r in signal.receivers if r[1]() is not None and not r[1]().__module__.startswith("wagtail")]


def test_only_the_pipeline_listens_to_publishing():
    assert _our_receivers(page_published) == ["newsroom.apps"]
    assert _our_receivers(page_unpublished) == ["newsroom.apps"]


def test_steps_run_in_the_stated_order():
    names = [step.name for step in publishing.ARTICLE_PUBLISHED]
    assert names.index("search.index") < names.index("pagecache.purge") < names.index("webhooks.announce")


def test_publishing_indexes_the_article_and_announces_it(make_article):
    WebhookEndpoint.objects.create(name="Bot", url="https://hooks.example.org/in", secret="s" * 32)
    article = make_article("Harbour strike ends")
    assert ArticleSearchEntry.objects.filter(article_id=article.pk).exists()
    assert WebhookDelivery.objects.filter(article=article).count() == 1


def test_a_failing_step_is_logged_and_the_others_still_run(make_article, monkeypatch, caplog):
    def broken(page):
        raise RuntimeError("index is down")

    steps = tuple(publishing.Step(s.name, broken) if s.name == "search.index" else s
                  for s in publishing.ARTICLE_PUBLISHED)
    monkeypatch.setitem(publishing.EVENTS, "article_published", steps)
    WebhookEndpoint.objects.create(name="Bot", url="https://hooks.example.org/in", secret="s" * 32)
    article = make_article("Ferry timetable changes")
    assert not ArticleSearchEntry.objects.filter(article_id=article.pk).exists()
    assert WebhookDelivery.objects.filter(article=article).count() == 1
    assert "publish step search.index failed" in caplog.text


def test_unpublishing_takes_the_article_out_of_search(make_article):
    article = make_article("Bridge closed for repairs")
    article.unpublish()
    assert not ArticleSearchEntry.objects.filter(article_id=article.pk).exists()


def test_a_failed_step_is_queued_again_when_workers_can_defer(make_article, monkeypatch, django_capture_on_commit_callbacks):
    queued = []

    class DeferringTask:
        def get_backend(self):
            return type("Backend", (), {"supports_defer": True})()

        def using(self, run_after):
            queued.append(("run_after", run_after))
            return self

        def enqueue(self, *args):
            queued.append(args)

    def broken(page) -> None:
        raise RuntimeError("index is down")

    monkeypatch.setattr("newsroom.tasks.publish_step_retry", DeferringTask())
    article = make_article("Market day moved")
    monkeypatch.setitem(publishing.EVENTS, "article_published", (publishing.Step("search.index", broken),))
    with django_capture_on_commit_callbacks(execute=True):
        assert publishing.article_published(page=article) == ["search.index"]
    assert queued[-1] == ("article_published", article.pk, "search.index", 2)
