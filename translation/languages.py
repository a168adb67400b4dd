"""Names of the languages Crosspost serves, in each language itself, for the switcher."""

from django.conf import settings

NATIVE_NAMES = {
    "en": "English", "ar": "العربية", "az": "Azərbaycanca", "bg": "Български", "bn": "বাংলা",
    "ca": "Català", "cs": "Čeština", "da": "Dansk", "de": "Deutsch", "el": "Ελληνικά",
    "eo": "Esperanto", "es": "Español", "et": "Eesti", "eu": "Euskara", "fa": "فارسی",
    "fi": "Suomi", "fr": "Français", "ga": "Gaeilge", "gl": "Galego", "he": "עברית",
    "hi": "हिन्दी", "hr": "Hrvatski", "hu": "Magyar", "id": "Bahasa Indonesia", "it": "Italiano",
    "ja": "日本語", "ko": "한국어", "lt": "Lietuvių", "lv": "Latviešu", "mk": "Македонски",
    "ms": "Bahasa Melayu", "nb": "Norsk bokmål", "nl": "Nederlands", "pl": "Polski",
    "pt": "Português", "ro": "Română", "ru": "Русский", "sk": "Slovenčina", "sl": "Slovenščina",
    "sq": "Shqip", "sr": "Српски", "sv": "Svenska", "sw": "Kiswahili", "th": "ไทย",
    "tl": "Tagalog", "tr": "Türkçe", "uk": "Українська", "ur": "اردو", "vi": "Tiếng Việt",
    "zh-hans": "简体中文", "zh-hant": "繁體中文",
}

# hreflang wants BCP 47 with script subtags capitalised.
_HREFLANG = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


def hreflang(code: str) -> str:
    return _HREFLANG.get(code, code)


def served_languages() -> list[dict[str, str]]:
    return [
        {"code": code, "name": NATIVE_NAMES.get(code, code), "hreflang": hreflang(code)}
        for code, _ in settings.LANGUAGES
    ]
