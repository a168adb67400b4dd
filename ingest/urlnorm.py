"""One spelling per original URL, so the same article found by two links is one original."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = {"fbclid", "gclid", "dclid", "mc_cid", "mc_eid", "igshid", "ref", "cmpid", "ocid", "at_medium", "at_campaign"}


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, no default port, fragment, tracking parameters or trailing slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.port and (scheme, parts.port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{parts.port}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    ]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


# The length of OriginalFingerprint.canonical_url (PostgreSQL refuses longer values).
URL_KEY_LENGTH = 1000
_DIGEST = "#sha256="


def url_key(url: str) -> str:
    """The normalised URL as the fingerprint table stores it: one that is too long keeps its start
    and ends in a hash of the whole, so two long URLs that share a beginning stay apart."""
    normal = normalize_url(url)
    if len(normal) <= URL_KEY_LENGTH:
        return normal
    digest = hashlib.sha256(normal.encode()).hexdigest()
    return normal[: URL_KEY_LENGTH - len(_DIGEST) - len(digest)] + _DIGEST + digest
