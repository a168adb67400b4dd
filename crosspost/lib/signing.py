"""Signed tokens for links in mail: confirm, unsubscribe, and whatever comes next.

Each use has its own salt, so a token made for one purpose is worthless for another. A bad or
expired token gives None rather than an exception: callers turn that into a polite 400 page.
"""

from __future__ import annotations

from django.core import signing


def sign(value: str, *, salt: str, timestamped: bool = False) -> str:
    signer = signing.TimestampSigner(salt=salt) if timestamped else signing.Signer(salt=salt)
    return signer.sign(value)


def unsign(token: str, *, salt: str, max_age: float | None = None) -> str | None:
    """The signed value, or None if the token was tampered with or (with max_age) is too old."""
    try:
        if max_age is None:
            return signing.Signer(salt=salt).unsign(token)
        return signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
