"""What every engagement feature's pages share: the article lookup, the polite message page, the
client address, row ids from the query string, and the form mixins against bots and header injection.

Each feature keeps its own views, forms and reads next to its writes (comments.py, sharing.py,
republication.py, contact.py, webhooks.py); this module is only what two or more of them use.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from crosspost.lib.client import client_address
from newsroom.models import ArticlePage

MAX_ID = 2**63 - 1  # a larger number is no row of ours, and databases overflow on it


def client_ip(request: HttpRequest) -> str:
    return client_address(request)


def article_or_404(article_id: int) -> ArticlePage:
    if not 0 < article_id <= MAX_ID:
        raise Http404("No such article")
    article = ArticlePage.objects.live().public().filter(pk=article_id).first()
    if article is None:
        raise Http404("No such article")
    return article


def message_page(request: HttpRequest, *, title: str, text: str, article=None, status: int = 200) -> HttpResponse:
    return render(request, "engagement/message.html", {"title": title, "text": text, "article": article},
                  status=status)


def row_id(value: str) -> int | None:
    # str.isdigit() accepts "²" and any length; a row id is a short run of ASCII digits.
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


class NoLineBreaksMixin(forms.BaseForm):
    """Refuses CR or LF in single-line fields: they are how mail headers get injected."""

    single_line: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.single_line:
            raw = self.data.get(self.add_prefix(name), "")
            if isinstance(raw, str) and ("\r" in raw or "\n" in raw):
                self.add_error(name, _("Line breaks are not allowed here."))
        return cleaned


class HoneypotMixin(forms.BaseForm):
    """A field people never see; bots fill it in. `is_bot` says whether this submission did."""

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())
