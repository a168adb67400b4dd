"""The one mail helper: every message Crosspost sends is built here.

`build()` renders `<template>_subject.txt`, `<template>.txt` and (if present) `<template>.html`,
and sets Message-ID and, given an unsubscribe URL, the RFC 8058 one-click headers.

Bulk mail (the newsletter) renders one message per language and personalises it by replacing
placeholder tokens in its bytes (`PreparedMessage`), then pushes the bytes over one reused SMTP
connection (`BulkConnection`). Other mail backends (files in development, memory in tests) get an
ordinary message, so what lands in var/mail/ is what a reader would have received.
"""

from __future__ import annotations

import email
import email.policy
import re
import smtplib
import uuid
from email.utils import formatdate, parseaddr
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.validators import validate_email
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string


def message_id(local: str = "") -> str:
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<{local or uuid.uuid4().hex}@{domain}>"


def render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) from the three templates; html is '' when there is no HTML template."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


def unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def build(
    *,
    template: str,
    context: dict[str, Any],
    to: list[str],
    unsubscribe_url: str = "",
    from_email: str = "",
    headers: dict[str, str] | None = None,
    connection: Any = None,
) -> EmailMultiAlternatives:
    subject, text, html = render(template, context)
    all_headers = {"Message-ID": message_id()}
    if unsubscribe_url:
        all_headers.update(unsubscribe_headers(unsubscribe_url))
    all_headers.update(headers or {})
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=all_headers,
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def send(**kwargs: Any) -> None:
    """Build and send one message through the configured backend; see `build` for arguments."""
    build(**kwargs).send()


class PreparedMessage:
    """A message rendered once, to be personalised by swapping placeholder tokens in its bytes.

    The tokens must be plain ASCII words (no spaces, nothing a MIME encoder would rewrite). If a
    token did not survive encoding intact (quoted-printable splits long lines), preparing fails and
    the caller builds messages one by one instead.
    """

    def __init__(self, message: EmailMessage, tokens: list[str]) -> None:
        self.raw = message.message().as_bytes(linesep="\r\n")
        self.from_address = parseaddr(message.from_email)[1]
        self.tokens = [token.encode() for token in tokens]
        for token in self.tokens:
            if token not in self.raw:
                raise ValueError(f"placeholder {token!r} did not survive MIME encoding")

    def personalise(self, values: dict[str, str]) -> bytes:
        raw = self.raw
        for token, value in values.items():
            raw = raw.replace(token.encode(), value.encode("ascii"))
        return raw


class SendError(Exception):
    """`transient`: retrying may help. `bad_address`: the recipient's server says the mailbox
    does not exist, so mailing it again never will. `code` is the SMTP reply code (0 when the
    connection failed) and `status` its enhanced status code (RFC 3463, e.g. "5.1.1") if given."""

    def __init__(self, message: str, *, transient: bool, bad_address: bool = False, code: int = 0,
                 status: str = "") -> None:
        super().__init__(message)
        self.transient = transient
        self.bad_address = bad_address
        self.code = code
        self.status = status


_ENHANCED_STATUS = re.compile(r"\s*([245])\.(\d{1,3})\.(\d{1,3})\b")


def _is_bad_address(code: int, text: str, *, at_data: bool = False) -> bool:
    """A refused recipient whose address is wrong, as opposed to a refusal of us (policy, spam).

    With an enhanced status code (RFC 3463) only 5.1.x, the addressing class, counts, and 5.2.1
    (mailbox disabled): a 5.7.x refusal means our server or message was blocked, and reading it
    as a bounce would strike the whole list off. Without one, 550, 551 and 553 are the mailbox
    replies to RCPT; after DATA a bare 5xx may as well be about the content, so it never counts.
    """
    enhanced = _ENHANCED_STATUS.match(text)
    if enhanced:
        return enhanced.group(1) == "5" and (enhanced.group(2) == "1" or enhanced.group(2, 3) == ("2", "1"))
    return not at_data and code in (550, 551, 553)


def _classify(exc: Exception) -> SendError:
    reply: bytes | str
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, reply = exc.smtp_code, exc.smtp_error
    else:  # dropped connection, timeout, refused: the server may well be back in a moment
        return SendError(f"{type(exc).__name__}: {exc}", transient=True)
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    # One recipient per transaction, so a refusal of RCPT or of the message is about this reader;
    # a refusal of MAIL FROM is about us and never a bounce.
    about_recipient = isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError))
    enhanced = _ENHANCED_STATUS.match(text)
    return SendError(
        f"{code} {text}", transient=400 <= code < 500, code=code,
        status=".".join(enhanced.groups()) if enhanced else "",
        bad_address=about_recipient and code >= 500 and _is_bad_address(
            code, text, at_data=isinstance(exc, smtplib.SMTPDataError)),
    )


class BulkConnection:
    """One connection to the mail backend, opened once and reused for many messages.

    `send_raw` raises `SendError` whose `transient` flag says whether retrying may help (4xx,
    dropped connection) or not (5xx). After a transient error the connection is re-opened on the
    next send.
    """

    def __init__(self) -> None:
        self.backend = get_connection(fail_silently=False)
        self.is_smtp = isinstance(self.backend, SMTPBackend)
        self._open = False

    def __enter__(self) -> BulkConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._open:
            try:
                self.backend.close()
            except Exception:  # closing a broken connection must not hide the original error
                pass
            self._open = False

    def send_raw(self, *, from_address: str, to: str, raw: bytes) -> None:
        try:
            if not self._open:
                self.backend.open()
                self._open = True
            if self.is_smtp:
                self.backend.connection.sendmail(from_address, [to], raw)
            else:
                self.backend.send_messages([_RawMessage(raw, from_address, to)])
        except (smtplib.SMTPException, OSError) as exc:
            error = _classify(exc)
            if error.transient:
                self.close()
            raise error from exc


class _RawMessage(EmailMessage):
    """Ready-made bytes dressed as an EmailMessage, for the file and memory backends."""

    def __init__(self, raw: bytes, from_address: str, to: str) -> None:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        super().__init__(subject=str(parsed["Subject"] or ""), from_email=from_address, to=[to])
        self.raw = raw
        self.extra_headers = {k: str(v) for k, v in parsed.items() if k.lower() not in {"subject", "from", "to"}}

    def message(self) -> Any:
        return email.message_from_bytes(self.raw)


def now_header() -> str:
    return formatdate(localtime=settings.EMAIL_USE_LOCALTIME)


def validate_address(value: str) -> None:
    """Django's email check, plus what it lets through that we could neither store nor mail.

    Django accepts any Unicode domain, but a label longer than 63 characters once encoded as
    IDNA makes building the message fail after the reader's record is saved; and a few letters
    grow when case-folded (ﬃ → ffi), so an address of legal length can outgrow the 254-character
    key readers are looked up by.
    """
    value = value.strip()
    validate_email(value)
    try:
        value.rpartition("@")[2].encode("idna")
    except UnicodeError as exc:
        raise ValidationError(validate_email.message, code=validate_email.code) from exc
    if len(value.casefold()) > 254:
        raise ValidationError(validate_email.message, code=validate_email.code)


class AddressField(forms.EmailField):
    """The email field of every form a reader fills in: `validate_address` instead of Django's check."""

    default_validators = [validate_address]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
