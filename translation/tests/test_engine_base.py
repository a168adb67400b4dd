"""What every engine gets from the base class: `supports` answers from the engine's own `pair`."""

from __future__ import annotations

import pytest

from translation.engines.base import Engine, EngineUnavailable, UnsupportedPair


class OneWayEngine(Engine):
    name = "one-way"

    def pair(self, source: str, target: str) -> tuple[str, str]:
        if (source, target) != ("en", "fr"):
            raise UnsupportedPair(f"{source} to {target}")
        return source, target

    def translate(self, fragments: list[str], *, source: str, target: str) -> list[str]:
        self.pair(source, target)
        return fragments


def test_it_supports_the_pairs_its_engine_can_resolve():
    engine = OneWayEngine()

    assert engine.supports("en", "fr")
    assert not engine.supports("fr", "en")


def test_it_lets_an_unreachable_engine_say_so_instead_of_answering_no():
    class Down(OneWayEngine):
        def pair(self, source: str, target: str) -> tuple[str, str]:
            raise EngineUnavailable("no answer")

    with pytest.raises(EngineUnavailable):
        Down().supports("en", "fr")


def test_it_refuses_an_engine_that_cannot_name_its_pairs():
    class Incomplete(Engine):
        name = "incomplete"

        def translate(self, fragments: list[str], *, source: str, target: str) -> list[str]:
            return fragments

    with pytest.raises(TypeError):
        Incomplete()  # type: ignore[abstract]
