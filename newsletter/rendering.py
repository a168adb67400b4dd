"""The digest as a reader receives it: rendered once per language, personalised by token swap.

Titles and deks come from the translation memory in the reader's language where stored (the
original otherwise); the template text comes from the interface catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from crosspost.lib import email as mail
from crosspost.lib.signing import sign
from newsletter.models import Digest, Newsletter, Subscriber
from newsroom.models import ArticlePage
from translation.languages import NATIVE_NAMES
from translation.selectors import cards_translate

UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_SALT = "newsletter.confirm"
PREFERENCES_SALT = "newsletter.preferences"
CLICK_SALT = "newsletter.click"
OPEN_SALT = "newsletter.open"

# Placeholders swapped per recipient in the bytes of the per-language message (see PreparedMessage).
TO_TOKEN = "nl-recipient-token@recipient.invalid"
MESSAGE_ID_TOKEN = "<nl-message-id-token@recipient.invalid>"
DATE_TOKEN = "nl-date-token"
UNSUBSCRIBE_TOKEN = "nlUnsubscribeUrlToken"
PREFERENCES_TOKEN = "nlPreferencesUrlToken"
OPEN_TOKEN = "nlOpenPixelUrlToken"
TOKENS = [TO_TOKEN, MESSAGE_ID_TOKEN, DATE_TOKEN, UNSUBSCRIBE_TOKEN, PREFERENCES_TOKEN]


def article_text_for_language(article: ArticlePage, language: str) -> dict[str, str]:
    """Title and dek in `language` from the translation memory; the originals where missing."""
    [translated] = cards_translate([article], language)
    return {"title": translated.tr_title, "dek": translated.tr_dek}


def language_choices() -> list[tuple[str, str]]:
    return [(code, NATIVE_NAMES.get(code, code)) for code, _ in settings.LANGUAGES]


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def _url_maker(view: str, salt: str, language: str, value: Callable[[int], str]) -> Callable[[int], str]:
    """A fast `subscriber_id -> signed URL` for one language: reverse once, sign per subscriber."""
    with translation.override(language):
        template = site_url(reverse(view, kwargs={"token": "TOKEN"}))
    prefix, suffix = template.split("TOKEN")
    return lambda subscriber_id: prefix + sign(value(subscriber_id), salt=salt) + suffix


def unsubscribe_url_maker(language: str, digest: Digest | None = None) -> Callable[[int], str]:
    """Unsubscribe links name the issue they came in, so they leave the list that sent it."""
    tail = f".{digest.pk}" if digest is not None else ""
    return _url_maker("newsletter:unsubscribe", UNSUBSCRIBE_SALT, language, lambda sid: f"{sid}{tail}")


def preferences_url_maker(language: str) -> Callable[[int], str]:
    return _url_maker("newsletter:preferences", PREFERENCES_SALT, language, str)


def open_url_maker(digest: Digest) -> Callable[[int], str]:
    prefix = site_url(reverse("newsletter_tracking:open", kwargs={"token": "TOKEN"})).split("TOKEN")
    return lambda sid: prefix[0] + sign(f"{digest.pk}.{sid}", salt=OPEN_SALT) + prefix[1]


def unsubscribe_url(subscriber_id: int, language: str, digest: Digest | None = None) -> str:
    return unsubscribe_url_maker(language, digest)(subscriber_id)


def preferences_url(subscriber_id: int, language: str) -> str:
    return preferences_url_maker(language)(subscriber_id)


def click_url(digest: Digest, article: ArticlePage, language: str) -> str:
    """The counted link to an article in a digest: /n/c/<signed digest.article.language>."""
    token = sign(f"{digest.pk}.{article.pk}.{language}", salt=CLICK_SALT)
    return site_url(reverse("newsletter_tracking:click", kwargs={"token": token}))


def article_url(article: ArticlePage, language: str) -> str:
    """The article's address under the reader's language prefix (/fr/articles/…)."""
    with translation.override(language):
        parts = article.get_url_parts()
    return site_url(parts[2] if parts else article.url_path)


def digest_articles(digest: Digest) -> list[ArticlePage]:
    return [
        item.article
        for item in digest.items.select_related("article__publication")
        .prefetch_related("article__article_authors__author")
        .order_by("position")
    ]


def digest_context(
    *, articles: list[ArticlePage], date: Any, language: str, unsubscribe: str, newsletter: Newsletter | None = None,
    digest: Digest | None = None, preferences: str = "", open_pixel: str = "", web: bool = False,
) -> dict:
    """What the digest templates show. With a sent `digest`, mail links go through /n/c/ to be
    counted; the web archive (`web`) links to the articles themselves."""
    items = []
    with translation.override(language):
        for article in articles:
            text = article_text_for_language(article, language)
            items.append(
                {
                    **text,
                    "byline": article.author_names(),
                    "url": click_url(digest, article, language) if digest and not web else article_url(article, language),
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
        "newsletter_name": newsletter.name if newsletter else "",
        "roundup": digest is not None and digest.kind == Digest.Kind.ROUNDUP,
        "unsubscribe_url": unsubscribe,
        "preferences_url": preferences,
        "open_pixel": open_pixel,
    }


def digest_message(
    *, articles: list[ArticlePage], date: Any, language: str, to: str, unsubscribe: str, headers: dict,
    newsletter: Newsletter | None = None, digest: Digest | None = None, preferences: str = "", open_pixel: str = "",
) -> Any:
    context = digest_context(articles=articles, date=date, language=language, unsubscribe=unsubscribe,
                             newsletter=newsletter, digest=digest, preferences=preferences, open_pixel=open_pixel)
    with translation.override(language):
        return mail.build(
            template="newsletter/email/digest",
            context=context,
            to=[to],
            unsubscribe_url=unsubscribe,
            headers=headers,
        )


def digest_prepare(*, articles: list[ArticlePage], date: Any, language: str,
                   digest: Digest | None = None) -> mail.PreparedMessage | None:
    """The digest in one language with placeholders, or None if it must be built per reader."""
    tracking = digest is not None and digest.newsletter.open_tracking
    message = digest_message(
        articles=articles,
        date=date,
        language=language,
        to=TO_TOKEN,
        unsubscribe=UNSUBSCRIBE_TOKEN,
        headers={"Message-ID": MESSAGE_ID_TOKEN, "Date": DATE_TOKEN},
        newsletter=digest.newsletter if digest else None,
        digest=digest,
        preferences=PREFERENCES_TOKEN,
        open_pixel=OPEN_TOKEN if tracking else "",
    )
    try:
        return mail.PreparedMessage(message, TOKENS + ([OPEN_TOKEN] if tracking else []))
    except ValueError:
        return None


def digest_message_id(digest: Digest, subscriber_id: int) -> str:
    # The same ID for a re-sent copy lets mail systems drop the duplicate after a crash.
    # A round-up made the day of an issue of its list must not share that ID.
    slug = "" if digest.newsletter.slug == "daily" else f"{digest.newsletter.slug}-"
    kind = "roundup-" if digest.kind == Digest.Kind.ROUNDUP else ""
    return mail.message_id(f"digest-{kind}{slug}{digest.date:%Y%m%d}-{subscriber_id}")


def _list_names(newsletters: list[Newsletter]) -> str:
    return ", ".join(n.name for n in newsletters)


def confirm_mail_send(subscriber: Subscriber, *, connection: Any = None,
                      newsletters: list[Newsletter] | None = None) -> None:
    token = sign(str(subscriber.pk), salt=CONFIRM_SALT, timestamped=True)
    with translation.override(subscriber.language):
        url = site_url(reverse("newsletter:confirm", kwargs={"token": token}))
        mail.send(
            template="newsletter/email/confirm",
            context={"confirm_url": url, "name": subscriber.name, "site_name": settings.SITE_NAME,
                     "lists": _list_names(newsletters or [])},
            to=[subscriber.email],
            connection=connection,
        )


def welcome_mail_send(subscriber: Subscriber, *, newsletters: list[Newsletter]) -> None:
    """Sent once the reader confirms: what they will get, and where to change it."""
    with translation.override(subscriber.language):
        preferences = preferences_url(subscriber.pk, subscriber.language)
        mail.send(
            template="newsletter/email/welcome",
            context={"name": subscriber.name, "site_name": settings.SITE_NAME, "newsletters": newsletters,
                     "preferences_url": preferences, "site_url": site_url(reverse("wagtail_serve", args=[""]))},
            to=[subscriber.email],
            unsubscribe_url=unsubscribe_url(subscriber.pk, subscriber.language),
        )
