"""A LibreTranslate-compatible HTTP server: POST /translate (format=html), GET /languages."""

from __future__ import annotations

import threading
import time

import requests

from translation.engines.base import Engine, EngineError, EngineUnavailable, UnsupportedPair

# Crosspost's codes where LibreTranslate's differ; others use their base code ("pt-br" → "pt").
_CODES = {"zh-hans": ["zh-Hans", "zh"], "zh-hant": ["zh-Hant", "zt", "zh"], "nb": ["nb", "no"]}
_LANGUAGES_TTL = 600


class LibreTranslateEngine(Engine):
    name = "libretranslate"

    def __init__(self, *, url: str, api_key: str = "", timeout: float = 30) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self._session = requests.Session()
        self._lock = threading.Lock()
        self._pairs: dict[str, set[str]] = {}
        self._pairs_at = 0.0

    def _languages(self) -> dict[str, set[str]]:
        with self._lock:
            if self._pairs and time.monotonic() - self._pairs_at < _LANGUAGES_TTL:
                return self._pairs
            try:
                response = self._session.get(f"{self.url}/languages", timeout=self.timeout)
                response.raise_for_status()
                listing = response.json()
            except (requests.RequestException, ValueError) as exc:
                raise EngineUnavailable(f"LibreTranslate languages request failed: {exc}") from None
            self._pairs = {item["code"]: set(item.get("targets", [])) for item in listing}
            self._pairs_at = time.monotonic()
            return self._pairs

    def _code(self, code: str, available) -> str | None:
        for candidate in _CODES.get(code, [code, code.split("-")[0]]):
            if candidate in available:
                return candidate
        return None

    def pair(self, source: str, target: str) -> tuple[str, str]:
        pairs = self._languages()
        src = self._code(source, pairs)
        if src is None:
            raise UnsupportedPair(f"LibreTranslate cannot translate from {source}")
        tgt = self._code(target, pairs[src])
        if tgt is None:
            raise UnsupportedPair(f"LibreTranslate cannot translate {source} to {target}")
        return src, tgt

    def translate(self, fragments: list[str], *, source: str, target: str) -> list[str]:
        if not fragments:
            return []
        src, tgt = self.pair(source, target)
        payload = {"q": fragments, "source": src, "target": tgt, "format": "html"}
        if self.api_key:
            payload["api_key"] = self.api_key
        try:
            response = self._session.post(f"{self.url}/translate", json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            raise EngineUnavailable(f"LibreTranslate did not answer: {exc.__class__.__name__}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise EngineUnavailable(f"LibreTranslate answered HTTP {response.status_code}")
        if response.status_code == 400 and "not supported" in response.text.lower():
            raise UnsupportedPair(f"LibreTranslate cannot translate {source} to {target}")
        if response.status_code != 200:
            error = EngineError(f"LibreTranslate answered HTTP {response.status_code}: {response.text[:200]}")
            error.retryable = response.status_code in (408, 425)
            raise error
        try:
            translated = response.json()["translatedText"]
        except (ValueError, KeyError):
            raise EngineError("LibreTranslate answered with something that is not a translation") from None
        if isinstance(translated, str):
            translated = [translated]
        if len(translated) != len(fragments):
            raise EngineError(f"LibreTranslate returned {len(translated)} texts for {len(fragments)}")
        return [str(text) for text in translated]
