"""The Argos engine against a tiny model the tests build themselves (see tiny_model.py).

Its weights are random, so these tests check the plumbing — installing, batching, markup — and
never what the translation says.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ctranslate2
import pytest

from translation.engines import argos, markup
from translation.engines.argos import ArgosEngine
from translation.engines.argos_models import install_package, installed_models
from translation.engines.base import EngineError, UnsupportedPair
from translation.tests.tiny_model import build_package_dir, zip_package


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory) -> Path:
    return build_package_dir(tmp_path_factory.mktemp("build") / "translate-en_fr")


@pytest.fixture(scope="session")
def package_file(package_dir, tmp_path_factory) -> Path:
    return zip_package(package_dir, tmp_path_factory.mktemp("dist") / "translate-en_fr-1_0.argosmodel")


@pytest.fixture(scope="session")
def models_dir(package_file, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("models")
    install_package(package_file, models_dir=directory)
    return directory


@pytest.fixture(scope="session")
def engine(models_dir) -> ArgosEngine:
    return ArgosEngine(models_dir=models_dir)


def translate(engine: ArgosEngine, *fragments: str) -> list[str]:
    return engine.translate(list(fragments), source="en", target="fr")


# Installing


def test_it_installs_a_package_file_under_its_language_pair(package_file, tmp_path):
    model = install_package(package_file, models_dir=tmp_path)

    assert (model.from_code, model.to_code, model.version) == ("en", "fr", "1.0")
    assert model.path == tmp_path / "en_fr"
    assert (model.path / "model" / "model.bin").is_file()
    assert (model.path / "sentencepiece.model").is_file()
    assert installed_models(tmp_path) == [model]


def test_it_installs_an_extracted_package_folder(package_dir, tmp_path):
    model = install_package(package_dir, models_dir=tmp_path / "models")

    assert model.path == tmp_path / "models" / "en_fr"
    assert (model.path / "metadata.json").is_file()


def test_it_replaces_an_earlier_install_of_the_same_pair(package_file, tmp_path):
    install_package(package_file, models_dir=tmp_path)
    (tmp_path / "en_fr" / "left-over.txt").write_text("from the old version")

    install_package(package_file, models_dir=tmp_path)

    assert not (tmp_path / "en_fr" / "left-over.txt").exists()
    assert [path.name for path in tmp_path.iterdir()] == ["en_fr"]


@pytest.mark.parametrize(
    "skip, message",
    [
        ("metadata.json", "metadata.json missing"),
        ("sentencepiece.model", "sentencepiece.model missing"),
        ("model/", "model/model.bin missing"),
    ],
)
def test_it_rejects_a_package_with_a_file_missing(package_dir, tmp_path, skip, message):
    broken = zip_package(package_dir, tmp_path / "broken.argosmodel", skip=(skip,))

    with pytest.raises(ValueError, match=message) as caught:
        install_package(broken, models_dir=tmp_path / "models")

    assert "\n" not in str(caught.value)
    assert list((tmp_path / "models").iterdir()) == []


@pytest.mark.parametrize("name", ["../escaped.txt", "translate-en_fr/../../escaped.txt", "/tmp/escaped.txt"])
def test_it_rejects_a_package_with_a_path_traversal_entry(package_dir, tmp_path, name):
    evil = zip_package(package_dir, tmp_path / "evil.argosmodel", extra={name: b"gotcha"})

    with pytest.raises(ValueError, match="unsafe entry"):
        install_package(evil, models_dir=tmp_path / "models")

    assert not (tmp_path / "escaped.txt").exists()
    assert list((tmp_path / "models").iterdir()) == []


def test_it_rejects_a_file_that_is_not_a_zip(tmp_path):
    not_zip = tmp_path / "model.argosmodel"
    not_zip.write_text("hello")

    with pytest.raises(ValueError, match="not a zip archive"):
        install_package(not_zip, models_dir=tmp_path / "models")


def test_it_rejects_metadata_without_language_codes(package_dir, tmp_path):
    extracted = tmp_path / "pkg"
    shutil.copytree(package_dir, extracted)
    (extracted / "metadata.json").write_text('{"package_version": "1.0", "from_code": "en"}')

    with pytest.raises(ValueError, match="no usable to_code"):
        install_package(extracted, models_dir=tmp_path / "models")


def test_it_rejects_a_model_that_does_not_load(package_dir, tmp_path):
    extracted = tmp_path / "pkg"
    shutil.copytree(package_dir, extracted)
    (extracted / "model" / "model.bin").write_bytes(b"not a model")

    with pytest.raises(ValueError, match="does not load"):
        install_package(zip_package(extracted, tmp_path / "bad.argosmodel"), models_dir=tmp_path / "models")

    assert list((tmp_path / "models").iterdir()) == []


def test_it_lists_nothing_when_the_models_folder_does_not_exist(tmp_path):
    assert installed_models(tmp_path / "missing") == []


# Language pairs


def test_it_supports_only_installed_pairs(engine):
    assert engine.supports("en", "fr")
    assert not engine.supports("fr", "en")
    assert not engine.supports("en", "de")


def test_it_maps_regional_codes_to_the_base_language(engine):
    assert engine.supports("en-gb", "fr")
    assert engine.supports("en", "fr-ca")


def test_it_maps_chinese_scripts_to_argos_codes(package_dir, tmp_path):
    extracted = tmp_path / "pkg"
    shutil.copytree(package_dir, extracted)
    (extracted / "metadata.json").write_text('{"from_code": "en", "to_code": "zt", "package_version": "1"}')
    install_package(extracted, models_dir=tmp_path / "models")

    engine = ArgosEngine(models_dir=tmp_path / "models")

    assert engine.supports("en", "zh-hant")
    assert not engine.supports("en", "zh-hans")


def test_it_raises_unsupported_pair_for_a_pair_not_installed(engine):
    with pytest.raises(UnsupportedPair) as caught:
        engine.translate(["Hello world"], source="en", target="de")

    assert caught.value.retryable is False


def test_it_supports_nothing_when_no_model_is_installed(tmp_path):
    assert not ArgosEngine(models_dir=tmp_path / "missing").supports("en", "fr")


# Translating


def test_it_returns_one_model_translation_per_fragment(engine):
    fragments = ["The council met on Tuesday.", "Schools will reopen next week.", "Hello world"]

    translated = translate(engine, *fragments)

    assert len(translated) == 3
    assert all(isinstance(text, str) and text.strip() for text in translated)
    assert all(out != original for out, original in zip(translated, fragments))


def test_it_translates_the_same_text_the_same_way(engine):
    first, second = translate(engine, "The river rose.", "The river rose.")

    assert first == second == translate(engine, "The river rose.")[0]


def test_it_translates_text_and_keeps_links_intact(engine):
    link = '<a href="/report?id=1&amp;lang=en" title="Full &quot;report&quot;">full report</a>'
    fragment = f"Read the {link} on our website."

    (translated,) = translate(engine, fragment)

    opening_tag = link.split(">")[0] + ">"
    assert translated.count(opening_tag) == 1
    assert translated.count("</a>") == 1
    assert "full report" not in translated
    assert "Read the" not in translated


def test_it_keeps_inline_tags_in_order(engine):
    fragment = 'The <em class="x">minister</em> promised an <strong>inquiry</strong><br>into the fire.'

    (translated,) = translate(engine, fragment)

    tags = ['<em class="x">', "</em>", "<strong>", "</strong>", "<br>"]
    positions = [translated.index(tag) for tag in tags]
    assert positions == sorted(positions)
    assert "minister" not in translated


def test_it_keeps_whitespace_at_the_edges_of_text(engine):
    (translated,) = translate(engine, "  Prices went up <em>again</em> in March. ")

    assert translated.startswith("  ")
    assert translated.endswith(" ")
    assert " <em>" in translated
    assert "</em> " in translated


def test_it_leaves_code_and_translate_no_alone(engine):
    fragment = 'Run <code>make test</code> and see <span translate="no">Crosspost Daily</span>.'

    (translated,) = translate(engine, fragment)

    assert "<code>make test</code>" in translated
    assert '<span translate="no">Crosspost Daily</span>' in translated


def test_it_escapes_what_the_model_writes(engine, monkeypatch):
    monkeypatch.setattr(argos, "_translate_sentences", lambda loaded, sentences: ["<b>&"] * len(sentences))

    assert translate(engine, "Hello <em>world</em>") == ["&lt;b&gt;&amp; <em>&lt;b&gt;&amp;</em>"]


def test_it_passes_empty_and_blank_fragments_through(engine):
    fragments = ["", "   ", "\n", "<br>", " <em> </em> ", "2024 — 12.5%"]

    assert translate(engine, *fragments) == fragments


def test_it_returns_nothing_for_no_fragments(engine):
    assert translate(engine) == []


def test_it_translates_a_batch_with_one_model_call(models_dir, monkeypatch):
    calls = []
    real_translator = ctranslate2.Translator

    class SpyTranslator:
        def __init__(self, *args, **kwargs):
            self._translator = real_translator(*args, **kwargs)

        def translate_batch(self, batch, **options):
            calls.append(batch)
            return self._translator.translate_batch(batch, **options)

    monkeypatch.setattr(ctranslate2, "Translator", SpyTranslator)
    engine = ArgosEngine(models_dir=models_dir)
    fragments = [
        "The council met. Reporters asked the mayor about the bridge.",
        "Farmers say the rain came too late.",
        "Read the <a href='/x'>report</a>.",
        "",
    ]

    translated = engine.translate(fragments, source="en", target="fr")

    assert len(translated) == 4
    assert len(calls) == 1
    assert len(calls[0]) == 5  # two sentences, one, "Read the ", "report"
    assert all(isinstance(piece, str) for tokens in calls[0] for piece in tokens)


def test_it_loads_a_model_once_when_threads_race(models_dir, monkeypatch):
    loads = []
    real_translator = ctranslate2.Translator

    def counting_translator(*args, **kwargs):
        loads.append(args)
        return real_translator(*args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", counting_translator)
    engine = ArgosEngine(models_dir=models_dir)
    texts = [f"Volunteers cleaned beach number {n}." for n in range(6)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda text: translate(engine, text)[0], texts))

    assert len(loads) == 1
    assert len(results) == 6


def test_it_splits_long_text_into_sentences():
    sentences = markup.template("One thing happened. Then another! Did it? Yes… e.g. this stays", {})

    assert [part for part in sentences if isinstance(part, int)] == [0, 1, 2, 3]


def test_it_cuts_sentences_longer_than_the_model_takes(engine, monkeypatch):
    monkeypatch.setattr(argos, "_MAX_INPUT_TOKENS", 8)
    lengths: list[int] = []
    real = argos._translate_sentences

    class RecordingTranslator:
        def __init__(self, translator):
            self.translator = translator

        def translate_batch(self, batch, **options):
            lengths.extend(len(tokens) for tokens in batch)
            return self.translator.translate_batch(batch, **options)

    class Recorded:
        def __init__(self, loaded):
            self.loaded = loaded
            self.translator = RecordingTranslator(loaded.translator)

        def __getattr__(self, name):
            return getattr(self.loaded, name)

    monkeypatch.setattr(argos, "_translate_sentences", lambda loaded, sentences: real(Recorded(loaded), sentences))

    (translated,) = translate(engine, "The festival drew visitors from across the whole region")

    assert len(lengths) >= 2, "one long sentence should reach the model as several chunks"
    assert max(lengths) <= 8
    assert translated.strip()


def test_it_reports_a_damaged_model_as_not_worth_retrying(package_file, tmp_path):
    install_package(package_file, models_dir=tmp_path)
    (tmp_path / "en_fr" / "model" / "model.bin").write_bytes(b"damaged after install")
    engine = ArgosEngine(models_dir=tmp_path)

    assert engine.supports("en", "fr")
    with pytest.raises(EngineError) as caught:
        engine.translate(["Hello world"], source="en", target="fr")

    assert caught.value.retryable is False
    assert "damaged" in str(caught.value)
