from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class EngineError(Exception):
    """A translation attempt failed; the message is one line an editor can read."""

    retryable = True


class EngineUnavailable(EngineError):
    """The engine could not be reached or answered with a server error (worth retrying)."""


class UnsupportedPair(EngineError):
    """The engine cannot translate between these two languages (retrying will not help)."""

    retryable = False


class Engine(ABC):
    """Translate HTML fragments. Markup, links and quotes in each fragment must come back intact.

    Language codes are Crosspost's (Django's, lower case: "fr", "zh-hans"); each engine maps them
    to its own. `translate` gets a batch of distinct fragments and returns them in order.
    """

    name: str

    @abstractmethod
    def pair(self, source: str, target: str) -> Any:
        """What the engine translates `source` to `target` with; raises UnsupportedPair if nothing."""

    def supports(self, source: str, target: str) -> bool:
        try:
            self.pair(source, target)
        except UnsupportedPair:
            return False
        return True

    @abstractmethod
    def translate(self, fragments: list[str], *, source: str, target: str) -> list[str]: ...
