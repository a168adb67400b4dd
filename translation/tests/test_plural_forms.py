"""Interface catalogues get each language's own plural forms (Babel's CLDR data), not English's two."""

import pytest
from django.template import Context, Template
from django.utils import translation

from translation.ui import plural_categories, ui_compile, ui_correct, ui_rows

pytestmark = pytest.mark.django_db

SINGULAR = "%(counter)s article matches “%(q)s”"
PLURAL = "%(counter)s articles match “%(q)s”"
# search/templates/search/search.html, as readers see it.
RESULT_COUNT = Template(
    "{% load i18n %}{% blocktranslate count counter=n with q=q %}{{ counter }} article matches “{{ q }}”"
    "{% plural %}{{ counter }} articles match “{{ q }}”{% endblocktranslate %}"
)


def render(language: str, n: int) -> str:
    with translation.override(language):
        return RESULT_COUNT.render(Context({"n": n, "q": "ماء" if language == "ar" else "水"}))


def correct(language, text, wording, form=None, callbacks=None):
    with callbacks(execute=True):
        ui_correct(language=language, text=text, translation=wording, form=form)


def test_each_language_has_the_plural_categories_of_its_locale():
    assert plural_categories("en") == ["one", "other"]
    assert plural_categories("ja") == ["other"]
    assert sorted(plural_categories("ar")) == sorted(["zero", "one", "two", "few", "many", "other"])
    assert sorted(plural_categories("ru")) == ["few", "many", "one"]


def test_an_arabic_plural_string_renders_in_all_six_forms(django_capture_on_commit_callbacks):
    cb = django_capture_on_commit_callbacks
    correct("ar", SINGULAR, "مقال واحد يطابق “%(q)s”", callbacks=cb)
    correct("ar", PLURAL, "%(counter)s مقال يطابق “%(q)s”", callbacks=cb)  # "other": 100, 101, 102
    correct("ar", PLURAL, "لا مقالات تطابق “%(q)s”", form="zero", callbacks=cb)
    correct("ar", PLURAL, "مقالان يطابقان “%(q)s”", form="two", callbacks=cb)
    correct("ar", PLURAL, "%(counter)s مقالات تطابق “%(q)s”", form="few", callbacks=cb)
    correct("ar", PLURAL, "%(counter)s مقالًا يطابق “%(q)s”", form="many", callbacks=cb)
    assert render("ar", 0) == "لا مقالات تطابق “ماء”"
    assert render("ar", 1) == "مقال واحد يطابق “ماء”"
    assert render("ar", 2) == "مقالان يطابقان “ماء”"
    assert render("ar", 3) == render("ar", 10).replace("10", "3") == "3 مقالات تطابق “ماء”"
    assert render("ar", 11) == "11 مقالًا يطابق “ماء”" and render("ar", 99) == "99 مقالًا يطابق “ماء”"
    assert render("ar", 100) == "100 مقال يطابق “ماء”"


def test_a_japanese_plural_string_has_one_form_for_every_number(django_capture_on_commit_callbacks):
    cb = django_capture_on_commit_callbacks
    correct("ja", SINGULAR, "1件の記事が“%(q)s”に一致（単数）", callbacks=cb)
    correct("ja", PLURAL, "%(counter)s 件の記事が“%(q)s”に一致", callbacks=cb)
    assert [render("ja", n) for n in (1, 2, 21)] == [f"{n} 件の記事が“水”に一致" for n in (1, 2, 21)]


def test_arabic_forms_nobody_worded_yet_fall_back_to_the_plural(django_capture_on_commit_callbacks):
    cb = django_capture_on_commit_callbacks
    correct("ar", SINGULAR, "مقال واحد يطابق “%(q)s”", callbacks=cb)
    correct("ar", PLURAL, "%(counter)s مقال يطابق “%(q)s”", callbacks=cb)
    assert render("ar", 2) == "2 مقال يطابق “ماء”"
    assert render("ar", 1) == "مقال واحد يطابق “ماء”"


def test_editors_get_a_row_per_extra_form_and_cannot_invent_placeholders_or_forms():
    forms = [row["form"] for row in ui_rows("ar") if row["text"] == PLURAL]
    assert forms[0] is None and sorted(forms[1:]) == ["few", "many", "two", "zero"]
    assert [row["form"] for row in ui_rows("ja") if row["text"] == PLURAL] == [None]
    with pytest.raises(ValueError, match="placeholders"):
        ui_correct(language="ar", text=PLURAL, translation="%(count)s مقالات", form="few")
    with pytest.raises(ValueError, match="no plural form"):
        ui_correct(language="ja", text=PLURAL, translation="%(counter)s 件", form="two")


def test_a_compiled_catalogue_declares_the_languages_plural_rule():
    import gettext

    path = ui_compile(language="ar")
    with path.open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    assert catalogue.info()["plural-forms"].startswith("nplurals=6;")
