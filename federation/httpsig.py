"""HTTP Signatures the way Mastodon and its kin use them (draft-cavage-http-signatures-12).

RSA-SHA256 over `(request-target) host date digest`; the body is bound by a `Digest: SHA-256=`
header. The cryptography comes from `cryptography`; what is ours is building the signing
string and reading the `Signature` header, which no maintained Python package does for this
draft without an async web framework attached (`http-message-signatures` implements RFC 9421,
which Mastodon does not send).

Every refusal is a `SignatureError` whose message says what was wrong, for the inbox's 401.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

# `cryptography` is imported by the functions that sign or verify: a web process that never
# federates then does not carry its ~10 MB of bindings.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

SIGNED_HEADERS = ("(request-target)", "host", "date", "digest")
MAX_SKEW = datetime.timedelta(hours=12)
_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class SignatureError(Exception):
    """The request's signature is missing, malformed, stale or does not verify."""


def key_pair_generate() -> tuple[str, str]:
    """A new RSA 2048 key pair as (private PKCS#8 PEM, public SubjectPublicKeyInfo PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


_private_keys: dict[str, rsa.RSAPrivateKey] = {}


def _private_key(pem: str) -> rsa.RSAPrivateKey:
    # Loading a PEM costs more than signing with it; a fan-out signs thousands of times per key.
    key = _private_keys.get(pem)
    if key is None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        loaded = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise ValueError("only RSA keys sign our requests")
        key = _private_keys[pem] = loaded
    return key


def digest_header(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def _signing_string(names: list[str], method: str, target: str, headers: Mapping[str, str]) -> bytes:
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        else:
            if name not in headers:
                raise SignatureError(f"the signed header {name} is missing")
            lines.append(f"{name}: {headers[name]}")
    return "\n".join(lines).encode()


def request_sign(*, method: str, url: str, body: bytes | None, key_id: str, private_key_pem: str,
                 now: datetime.datetime | None = None, digest: str = "") -> dict[str, str]:
    """The headers that sign a request to `url`: Host, Date, Digest (with a body) and Signature.

    `digest` is `digest_header(body)` when the caller already has it (a fan-out sends one body
    to thousands of inboxes).
    """
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    now = now or datetime.datetime.now(datetime.UTC)
    headers = {"host": parts.netloc, "date": format_datetime(now.astimezone(datetime.UTC), usegmt=True)}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["digest"] = digest or digest_header(body)
        names.append("digest")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    signature = _private_key(private_key_pem).sign(
        _signing_string(names, method, target, headers), padding.PKCS1v15(), hashes.SHA256())
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return {name.title(): value for name, value in headers.items()}


@dataclass(frozen=True)
class SignatureParams:
    key_id: str
    algorithm: str
    headers: list[str]
    signature: bytes


def signature_parse(value: str) -> SignatureParams:
    """Read a `Signature` header: keyId, algorithm, headers, signature (quoted, comma-separated)."""
    params: dict[str, str] = {}
    position = 0
    value = value.strip()
    while position < len(value):
        match = _PARAM.match(value, position)
        if match is None:
            raise SignatureError("the Signature header is malformed")
        params[match.group(1)] = match.group(2)
        position = match.end()
    if "keyId" not in params or "signature" not in params:
        raise SignatureError("the Signature header needs keyId and signature")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureError("the signature is not base64") from None
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in {"rsa-sha256", "hs2019"}:
        raise SignatureError(f"unsupported signature algorithm {algorithm}")
    names = params.get("headers", "date").lower().split()
    return SignatureParams(key_id=params["keyId"], algorithm=algorithm, headers=names, signature=signature)


def request_verify(*, method: str, target: str, headers: Mapping[str, str], body: bytes, params: SignatureParams,
                   public_key_pem: str, now: datetime.datetime | None = None) -> None:
    """Check a signed request (headers keyed in lower case); raises SignatureError, returns nothing.

    Demands that `(request-target)`, `host` and `date` are signed, and `digest` too for a body;
    that the Digest matches the body; and that Date is within 12 hours of now (an old request
    replayed, or a clock far off, is refused either way).
    """
    required = ["(request-target)", "host", "date"] + (["digest"] if method.upper() == "POST" else [])
    missing = [name for name in required if name not in params.headers]
    if missing:
        raise SignatureError(f"the signature does not cover {', '.join(missing)}")
    if "digest" in params.headers:
        sent = {part.split("=", 1)[0].strip().lower(): part.split("=", 1)[1].strip()
                for part in headers.get("digest", "").split(",") if "=" in part}
        if "sha-256" not in sent:
            raise SignatureError("the Digest header has no SHA-256 value")
        if sent["sha-256"] != digest_header(body).split("=", 1)[1]:
            raise SignatureError("the body does not match its Digest")
    try:
        date = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError):
        raise SignatureError("the Date header is not a date") from None
    if date.tzinfo is None:
        date = date.replace(tzinfo=datetime.UTC)
    now = now or datetime.datetime.now(datetime.UTC)
    if abs(now - date) > MAX_SKEW:
        raise SignatureError("the Date header is more than 12 hours off")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
    except ValueError:
        raise SignatureError("the signer's public key cannot be read") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("only RSA keys are accepted")
    try:
        key.verify(params.signature, _signing_string(params.headers, method, target, headers),
                   padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureError("the signature does not verify with the signer's key") from None
