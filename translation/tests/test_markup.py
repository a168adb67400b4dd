"""Cutting HTML fragments into sentences for a model and putting the translations back."""

from __future__ import annotations

from translation.engines import markup


def sentences_of(fragment: str, language: str = "en") -> list[str]:
    found: dict[str, int] = {}
    markup.template(fragment, found, language)
    return list(found)


def test_it_does_not_end_a_sentence_at_an_abbreviation():
    assert sentences_of("Dr. Smith met Mr. Jones at 5 p.m. on Friday. They spoke.") == [
        "Dr. Smith met Mr. Jones at 5 p.m. on Friday.", "They spoke."]


def test_it_splits_japanese_at_its_full_stops():
    assert sentences_of("今日は晴れ。明日は雨です！", "ja") == ["今日は晴れ。", "明日は雨です！"]


def test_it_uses_english_rules_for_a_language_it_does_not_know():
    assert sentences_of("Tere hommikust. Kuidas läheb?", "et") == ["Tere hommikust.", "Kuidas läheb?"]


def test_it_gives_the_fragment_back_when_every_sentence_is_kept():
    fragment = ('  <p class="lead">The <a href="/a?b=1&amp;c=2" title="A &quot;b&quot;">river</a> rose. '
                'It fell.<br>Then <!-- note --> <code>x &lt; y</code> held.</p> ')
    found: dict[str, int] = {}

    parts = markup.template(fragment, found)

    assert markup.render(parts, list(found)) == fragment


def test_it_closes_what_a_broken_fragment_left_open():
    found: dict[str, int] = {}

    parts = markup.template("An <em>unclosed emphasis. And more", found)

    assert list(found) == ["An", "unclosed emphasis.", "And more"]
    assert markup.render(parts, ["Un", "Non fermé.", "Et plus"]) == "Un <em>Non fermé. Et plus</em>"
