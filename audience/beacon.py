"""Counting one page view from the beacon: classes only, in memory, no database and no identity.

The beacon (audience/static/audience/beacon.js, or the `<noscript>` image) tells us the article,
the page's language, the page's own referrer and campaign tag. From the request we take the
User-Agent (for bots and the device class), `DNT`/`Sec-GPC` (which mean "do not count me") and
the IP address, used for two things only and never kept: the country, when the operator
installed a country database, and the visitor hash, `sha256(day's salt | IP | User-Agent)`, which
is thrown away with the salt at the end of the day.

A beacon arrives with every page view, so its cost is measured against a cached page's
(bench/audience_counting.py). Everything that repeats from one beacon to the next is worked out
once per process and remembered: the parsed fields of a beacon body (every reader of a page sends
the same bytes), a User-Agent's bot and device classes, the reader address behind the trusted
proxies, the day. What is left per view is a few dictionary look-ups, one hash and one addition
to the process's counts (crosspost/lib/counters.py hands them to the shared store in batches).
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.signals import setting_changed
from django.utils import timezone

from audience import classify, geo
from crosspost.lib.client import client_address_from
from crosspost.lib.counters import counter_add, salt

VIEW = "v"
MEMO_SIZE = 4096  # distinct beacon bodies, User-Agents and addresses remembered per process


@dataclass(frozen=True)
class Beacon:
    article_id: int
    language: str
    referrer: str
    campaign: str


def beacon_parse(data) -> Beacon:
    """The beacon's fields from a QueryDict or dict; anything malformed becomes 'not given'."""
    article = data.get("a", "")
    article_id = int(article) if article.isascii() and article.isdigit() and len(article) <= 12 else 0
    language = data.get("l", "")[:12].lower()
    if language not in _languages():
        language = settings.LANGUAGE_CODE
    return Beacon(article_id, language, data.get("r", "")[:2000], data.get("c", "")[:60])


_memo: dict[str, dict] = {"languages": {}, "bodies": {}, "agents": {}, "addresses": {}, "countries": {}}


def _remembered(kind: str) -> dict:
    found = _memo[kind]
    if len(found) >= MEMO_SIZE:  # a flood of made-up values empties the memo, it never grows past this
        found.clear()
    return found


def _forget(**_kwargs) -> None:
    """Tests change settings (languages, trusted proxies, the country database): start again."""
    for found in _memo.values():
        found.clear()
    _day[1] = 0.0


setting_changed.connect(_forget, dispatch_uid="audience-beacon-memo")


def _languages() -> frozenset[str]:
    found = _memo["languages"].get("codes")
    if found is None:
        found = _memo["languages"]["codes"] = frozenset(code for code, _ in settings.LANGUAGES)
    return found


def _view_fields(beacon: Beacon, own_host: str) -> tuple[int, str, str, str]:
    """(article, language, referring host, campaign) as the counter key holds them."""
    host = classify.referrer_host(beacon.referrer)
    if host and host == own_host.lower().removeprefix("www."):
        host = "@internal"
    return beacon.article_id, beacon.language, host, beacon.campaign.lower()


def fields_from_body(body: str, own_host: str) -> tuple[int, str, str, str]:
    """_view_fields() of a raw urlencoded beacon body; a page's readers send the same bytes."""
    memo = _memo["bodies"]
    found = memo.get((body, own_host))
    if found is None:
        found = _view_fields(beacon_parse(dict(parse_qsl(body))), own_host)
        _remembered("bodies")[(body, own_host)] = found
    return found


def _device(user_agent: str) -> str | None:
    """The device class of a User-Agent, None for a bot."""
    found = _memo["agents"].get(user_agent, False)
    if found is False:
        found = None if classify.is_bot(user_agent) else classify.device_class(user_agent)
        _remembered("agents")[user_agent] = found
    return found


def _address(meta: dict) -> str:
    key = (meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""))
    found = _memo["addresses"].get(key)
    if found is None:
        found = _remembered("addresses")[key] = client_address_from(meta)
    return found


def _country(ip: str) -> str:
    if not settings.AUDIENCE_GEOIP_DB:
        return ""
    found = _memo["countries"].get(ip)
    if found is None:
        found = _remembered("countries")[ip] = geo.country(ip)
    return found


_day: list = ["", 0.0]  # today's date (ISO) and the time.time() at which it ends


def _today() -> str:
    if time.time() >= _day[1]:
        now = timezone.localtime()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
        _day[:] = [now.date().isoformat(), midnight.timestamp()]
    return _day[0]


def view_count_fields(fields: tuple[int, str, str, str], meta: dict) -> bool:
    """Count a view from _view_fields(); False when it is not to be counted: the reader asked
    not to be tracked (DNT, Sec-GPC), the browser is prefetching, or it is a bot."""
    if not settings.AUDIENCE_ENABLED or meta.get("HTTP_DNT") == "1" or meta.get("HTTP_SEC_GPC") == "1" \
            or "prefetch" in meta.get("HTTP_SEC_PURPOSE", "") or "prefetch" in meta.get("HTTP_PURPOSE", ""):
        return False
    user_agent = meta.get("HTTP_USER_AGENT", "")
    device = _device(user_agent)
    if device is None:
        return False
    ip = _address(meta)
    day = _today()
    visitor = hashlib.sha256(f"{salt(day)}|{ip}|{user_agent}".encode()).hexdigest()[:32]
    counter_add((VIEW, day, *fields, device, _country(ip)), visitor=(day, visitor))
    return True


def view_count(beacon: Beacon, meta: dict, *, own_host: str) -> bool:
    """Count the view the beacon reports (Django's view, for what the WSGI layer passes on)."""
    return view_count_fields(_view_fields(beacon, own_host), meta)
