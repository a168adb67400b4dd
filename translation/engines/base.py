from __future__ import annotations

from typing import Protocol


class EngineError(Exception):
    """A translation attempt failed; the message is one line an editor can read."""

    retryable = True


class EngineUnavailable(EngineError):
    """The engine could not be reached or answered with a server error (worth retrying)."""


class UnsupportedPair(EngineError):
    """The engine cannot translate between these two languages (retrying will not help)."""

    retryable = False


class Engine(Protocol):
    """Translate HTML fragments. Markup, links and quotes in each fragment must come back intact.

    Language codes are Crosspost's (Django's, lower case: "fr", "zh-hans"); each engine maps them
    to its own. `translate` gets a batch of distinct fragments and returns them in order.
    """

    name: str

    def supports(self, source: str, target: str) -> bool: ...

    def translate(self, fragments: list[str], *, source: str, target: str) -> list[str]: ...
