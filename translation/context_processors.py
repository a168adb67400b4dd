from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from translation.languages import served_languages
from translation.ui import reload_if_recompiled


def languages(request: HttpRequest) -> dict:
    """The request's path without its language prefix, and the languages to offer."""
    reload_if_recompiled()
    language = translation.get_language() or settings.LANGUAGE_CODE
    path = request.path
    prefix = f"/{language}/"
    if language != settings.LANGUAGE_CODE and path.startswith(prefix):
        path = path[len(prefix) - 1 :]
    return {
        "neutral_path": path,
        "served_languages": served_languages(),
        "current_language": language,
        "default_language": settings.LANGUAGE_CODE,
    }
