"""What a beacon request says about the view, reduced to classes: no identity survives this module.

Bots are recognised by their User-Agent (they also rarely run the beacon's script or load its
image, which is the other half of keeping them out). Referrers become a class (search, social,
newsletter, fediverse, republisher, direct, internal, other) and a bare host name; devices a class
from the User-Agent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Set as AbstractSet
from urllib.parse import urlsplit

_BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|headless|phantomjs|"
    r"lighthouse|pingdom|uptime|monitor|curl/|wget/|python-|httpx|aiohttp|go-http-client|okhttp|java/|"
    r"libwww|scrapy|feedfetcher|mediapartners|ahrefs|semrush|bytespider|gptbot|claudebot|petalbot|"
    r"yandex(?:bot|images)|baiduspider|duckduckbot|bingpreview|applebot|whatsapp|telegrambot|discordbot|"
    r"mastodon/|pleroma|misskey|akkoma|^$",
    re.IGNORECASE,
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|android(?!.*mobile)", re.IGNORECASE)
_MOBILE = re.compile(r"mobi|iphone|ipod|android.*mobile|windows phone|blackberry|opera mini", re.IGNORECASE)

REFERRER_CLASSES = ("search", "social", "newsletter", "fediverse", "republisher", "direct", "internal", "other",
                    "unknown")

_SEARCH = ("google.", "bing.com", "duckduckgo.com", "search.yahoo.", "yandex.", "baidu.com", "ecosia.org",
           "qwant.com", "startpage.com", "search.brave.com", "kagi.com", "naver.com", "seznam.cz", "yahoo.co.jp")
_SOCIAL = ("facebook.com", "fb.me", "t.co", "twitter.com", "x.com", "linkedin.com", "lnkd.in", "reddit.com",
           "instagram.com", "youtube.com", "t.me", "telegram.org", "whatsapp.com", "wa.me", "bsky.app",
           "threads.net", "tiktok.com", "pinterest.", "vk.com", "news.ycombinator.com", "flipboard.com")
_WEBMAIL = ("mail.google.com", "outlook.live.com", "outlook.office.com", "outlook.office365.com", "mail.yahoo.com",
            "mail.proton.me", "app.fastmail.com", "mail.yandex.", "webmail.", "mail.")
_FEDIVERSE_WORDS = ("mastodon", "mstdn", "toot", "pleroma", "akkoma", "misskey", "pixelfed", "lemmy", "kbin",
                    "friendica", "fosstodon", "hachyderm", "infosec.exchange", "social.", "fedi")


# Readers' browsers send a few hundred distinct User-Agents a day: each is classed once per process.
@functools.lru_cache(maxsize=2048)
def is_bot(user_agent: str) -> bool:
    return bool(_BOT.search(user_agent or ""))


@functools.lru_cache(maxsize=2048)
def device_class(user_agent: str) -> str:
    if _TABLET.search(user_agent):
        return "tablet"
    if _MOBILE.search(user_agent):
        return "mobile"
    return "desktop"


def referrer_host(referrer: str) -> str:
    """The referring page's host, lower-cased, without 'www.'; '' for none or junk."""
    try:
        parts = urlsplit(referrer.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https", "android-app") or not host:
        return ""
    return host.removeprefix("www.")[:255]


def _matches(host: str, names: tuple[str, ...]) -> bool:
    for name in names:
        if name.endswith("."):
            if host.startswith(name) or f".{name}" in f".{host}":
                return True
        elif host == name or host.endswith("." + name):
            return True
    return False


def referrer_class(host: str, *, campaign: str = "", own_hosts: AbstractSet[str] = frozenset(),
                   republishers: AbstractSet[str] = frozenset()) -> str:
    """The class of a referrer host; `campaign` is the page's utm_source/utm_medium, if any."""
    campaign = campaign.lower()
    if "newsletter" in campaign or "email" in campaign or "digest" in campaign:
        return "newsletter"
    if not host:
        return "direct"
    if host in own_hosts:
        return "internal"
    if host in republishers:
        return "republisher"
    if _matches(host, _WEBMAIL):  # before search: mail.google.com is not a search
        return "newsletter"
    if _matches(host, _SEARCH):
        return "search"
    if _matches(host, _SOCIAL):
        return "social"
    if any(word in host for word in _FEDIVERSE_WORDS):
        return "fediverse"
    return "other"
