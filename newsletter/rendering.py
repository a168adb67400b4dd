"""The digest as a reader receives it: rendered once per language, personalised by token swap.

Titles and deks come from the translation memory in the reader's language where stored (the
original otherwise); the template text comes from the interface catalogue.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from crosspost.lib import email as mail
from crosspost.lib.signing import sign
from newsletter.models import Digest, Subscriber
from newsroom.models import ArticlePage

UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_SALT = "newsletter.confirm"

# Placeholders swapped per recipient in the bytes of the per-language message (see PreparedMessage).
TO_TOKEN = "nl-recipient-token@recipient.invalid"
MESSAGE_ID_TOKEN = "<nl-message-id-token@recipient.invalid>"
DATE_TOKEN = "nl-date-token"
UNSUBSCRIBE_TOKEN = "nlUnsubscribeUrlToken"
TOKENS = [TO_TOKEN, MESSAGE_ID_TOKEN, DATE_TOKEN, UNSUBSCRIBE_TOKEN]


def article_text_for_language(article: ArticlePage, language: str) -> dict[str, str]:
    """Title and dek in `language` from the translation memory; the originals where missing."""
    from translation.services import cards_translate

    [translated] = cards_translate([article], language)
    return {"title": translated.tr_title, "dek": translated.tr_dek}


def language_choices() -> list[tuple[str, str]]:
    from translation.languages import NATIVE_NAMES

    return [(code, NATIVE_NAMES.get(code, code)) for code, _ in settings.LANGUAGES]


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(subscriber_id: int, language: str) -> str:
    token = sign(str(subscriber_id), salt=UNSUBSCRIBE_SALT)
    with translation.override(language):
        return site_url(reverse("newsletter:unsubscribe", kwargs={"token": token}))


def unsubscribe_url_maker(language: str):
    """A fast `subscriber_id -> URL` for one language: reverse once, sign per subscriber."""
    with translation.override(language):
        template = site_url(reverse("newsletter:unsubscribe", kwargs={"token": "TOKEN"}))
    prefix, suffix = template.split("TOKEN")
    return lambda subscriber_id: prefix + sign(str(subscriber_id), salt=UNSUBSCRIBE_SALT) + suffix


def digest_articles(digest: Digest) -> list[ArticlePage]:
    return [
        item.article
        for item in digest.items.select_related("article__publication")
        .prefetch_related("article__article_authors__author")
        .order_by("position")
    ]


def digest_context(*, articles: list[ArticlePage], date: Any, language: str, unsubscribe: str) -> dict:
    items = []
    with translation.override(language):
        for article in articles:
            text = article_text_for_language(article, language)
            parts = article.get_url_parts()
            items.append(
                {
                    **text,
                    "byline": article.author_names(),
                    "url": site_url(parts[2] if parts else article.url_path),
                    "source": article.source,
                }
            )
        home = site_url(reverse("wagtail_serve", args=[""]))
    return {
        "articles": items,
        "date": date,
        "language": language,
        "rtl": language.split("-")[0] in settings.RTL_LANGUAGES,
        "site_name": settings.SITE_NAME,
        "site_url": home,
        "unsubscribe_url": unsubscribe,
    }


def digest_message(
    *, articles: list[ArticlePage], date: Any, language: str, to: str, unsubscribe: str, headers: dict
) -> Any:
    context = digest_context(articles=articles, date=date, language=language, unsubscribe=unsubscribe)
    with translation.override(language):
        return mail.build(
            template="newsletter/email/digest",
            context=context,
            to=[to],
            unsubscribe_url=unsubscribe,
            headers=headers,
        )


def digest_prepare(*, articles: list[ArticlePage], date: Any, language: str) -> mail.PreparedMessage | None:
    """The digest in one language with placeholders, or None if it must be built per reader."""
    message = digest_message(
        articles=articles,
        date=date,
        language=language,
        to=TO_TOKEN,
        unsubscribe=UNSUBSCRIBE_TOKEN,
        headers={"Message-ID": MESSAGE_ID_TOKEN, "Date": DATE_TOKEN},
    )
    try:
        return mail.PreparedMessage(message, TOKENS)
    except ValueError:
        return None


def digest_message_id(digest_date: Any, subscriber_id: int) -> str:
    # The same ID for a re-sent copy lets mail systems drop the duplicate after a crash.
    return mail.message_id(f"digest-{digest_date:%Y%m%d}-{subscriber_id}")


def confirm_mail_send(subscriber: Subscriber, *, connection: Any = None) -> None:
    token = sign(str(subscriber.pk), salt=CONFIRM_SALT, timestamped=True)
    with translation.override(subscriber.language):
        url = site_url(reverse("newsletter:confirm", kwargs={"token": token}))
        mail.send(
            template="newsletter/email/confirm",
            context={"confirm_url": url, "name": subscriber.name, "site_name": settings.SITE_NAME},
            to=[subscriber.email],
            connection=connection,
        )
