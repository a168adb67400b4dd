"""Machine-translation engines behind one interface, chosen by CROSSPOST_MT_BACKEND.

`none` (the default) translates nothing: language pages show the original with a notice.
`libretranslate` talks to a LibreTranslate-compatible HTTP server; `argos` runs Argos Translate
(CTranslate2 + SentencePiece) models installed with `crosspost translation install PATH`.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from translation.engines.base import Engine, EngineError, EngineUnavailable, UnsupportedPair

__all__ = ["Engine", "EngineError", "EngineUnavailable", "UnsupportedPair", "get_engine"]


@lru_cache(maxsize=1)
def _engine_for(backend: str, url: str, api_key: str, models_dir: str) -> Engine | None:
    if backend in ("", "none"):
        return None
    if backend == "libretranslate":
        from translation.engines.libretranslate import LibreTranslateEngine

        if not url:
            raise ImproperlyConfigured("CROSSPOST_MT_URL must be set when CROSSPOST_MT_BACKEND=libretranslate")
        return LibreTranslateEngine(url=url, api_key=api_key, timeout=settings.CROSSPOST_MT_TIMEOUT)
    if backend == "argos":
        from translation.engines.argos import ArgosEngine

        return ArgosEngine(models_dir=models_dir)
    raise ImproperlyConfigured(f"CROSSPOST_MT_BACKEND must be none, libretranslate or argos, got {backend!r}")


def get_engine() -> Engine | None:
    """The configured engine, or None when machine translation is switched off."""
    return _engine_for(
        settings.CROSSPOST_MT_BACKEND,
        settings.CROSSPOST_MT_URL,
        settings.CROSSPOST_MT_API_KEY,
        str(settings.CROSSPOST_MT_MODELS_DIR),
    )
