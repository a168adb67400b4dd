"""Counting one page view from the beacon: classes only, in memory, no database and no identity.

The beacon (audience/static/audience/beacon.js, or the `<noscript>` image) tells us the article,
the page's language, the page's own referrer and campaign tag. From the request we take the
User-Agent (for bots and the device class), `DNT`/`Sec-GPC` (which mean "do not count me") and
the IP address, used for two things only and never kept: the country, when the operator
installed a country database, and the visitor hash, `sha256(day's salt | IP | User-Agent)`, which
is thrown away with the salt at the end of the day.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from audience import classify, geo
from crosspost.lib.counters import counter_add, salt

VIEW = "v"


@dataclass(frozen=True)
class Beacon:
    article_id: int
    language: str
    referrer: str
    campaign: str


def beacon_parse(data) -> Beacon:
    """The beacon's fields from a QueryDict; anything malformed becomes 'not given'."""
    article = data.get("a", "")
    article_id = int(article) if article.isascii() and article.isdigit() and len(article) <= 12 else 0
    language = data.get("l", "")[:12].lower()
    if language not in _languages():
        language = settings.LANGUAGE_CODE
    return Beacon(article_id, language, data.get("r", "")[:2000], data.get("c", "")[:60])


_languages_of: tuple = (None, frozenset())


def _languages() -> frozenset[str]:
    global _languages_of
    if _languages_of[0] is not settings.LANGUAGES:  # built once per process (again if a test swaps it)
        _languages_of = (settings.LANGUAGES, frozenset(code for code, _ in settings.LANGUAGES))
    return _languages_of[1]


def do_not_count(meta: dict) -> bool:
    """The reader asked not to be tracked, the browser is prefetching, or it is a bot."""
    if meta.get("HTTP_DNT") == "1" or meta.get("HTTP_SEC_GPC") == "1":
        return True
    if "prefetch" in meta.get("HTTP_SEC_PURPOSE", "") or "prefetch" in meta.get("HTTP_PURPOSE", ""):
        return True
    return classify.is_bot(meta.get("HTTP_USER_AGENT", ""))


def view_count(beacon: Beacon, meta: dict, *, ip: str, own_host: str) -> bool:
    """Count the view the beacon reports; False when it is not to be counted."""
    if not settings.AUDIENCE_ENABLED or do_not_count(meta):
        return False
    user_agent = meta.get("HTTP_USER_AGENT", "")
    day = timezone.localdate().isoformat()
    host = classify.referrer_host(beacon.referrer)
    if host and host == own_host.lower().removeprefix("www."):
        host = "@internal"
    key = (VIEW, day, beacon.article_id, beacon.language, host, beacon.campaign.lower(),
           classify.device_class(user_agent), geo.country(ip))
    visitor = hashlib.sha256(f"{salt(day)}|{ip}|{user_agent}".encode()).hexdigest()[:32]
    counter_add(key, visitor=(day, visitor))
    return True
