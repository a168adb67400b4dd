"""Build a tiny but real `.argosmodel` file for tests: no download, a few seconds of CPU.

The SentencePiece model is trained on a handful of made-up sentences and the CTranslate2
Transformer gets small random weights, so the output is gibberish — but it goes through the same
files, loaders and calls as a real Argos Translate package.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece
from ctranslate2.specs import model_spec, transformer_spec

D_MODEL = 16
FFN = 32

SENTENCES = [
    "The council met on Tuesday to discuss the new budget.",
    "Reporters asked the mayor about the delayed bridge repairs.",
    "Farmers in the valley say the rain came too late this year.",
    "The river rose by two metres overnight.",
    "Schools will reopen next week after the strike ended.",
    "A new library opened in the old railway station.",
    "Prices for bread and milk went up again in March.",
    "The festival drew visitors from across the region.",
    "Volunteers cleaned the beach on Sunday morning.",
    "The minister promised an inquiry into the fire.",
    "Local fishermen protested against the new quotas.",
    "The museum received a collection of old maps.",
    "Our correspondent spoke to families who lost their homes.",
    "Read the full report on our website.",
    "Elections will be held in the autumn.",
    "The hospital is hiring nurses and doctors.",
    "Traffic was stopped on the main road for hours.",
    "The court will publish its decision in June.",
    "Students marched through the city centre.",
    "Hello world, this is a small test of the news desk.",
]


def _shape(name: str, vocab: int) -> tuple[int, ...]:
    if name.endswith(("embeddings/weight", "embeddings_0/weight", "projection/weight")):
        return (vocab, D_MODEL)
    if name.endswith(("/gamma", "/beta")):
        return (D_MODEL,)
    if name.endswith("self_attention/linear_0/weight"):  # queries, keys and values in one
        return (3 * D_MODEL, D_MODEL)
    if name.endswith("/attention/linear_1/weight"):  # keys and values over the encoder output
        return (2 * D_MODEL, D_MODEL)
    if name.endswith("attention/linear_0/weight") or name.endswith(
        ("attention/linear_1/weight", "attention/linear_2/weight")
    ):
        return (D_MODEL, D_MODEL)
    if name.endswith("ffn/linear_0/weight"):
        return (FFN, D_MODEL)
    if name.endswith("ffn/linear_1/weight"):
        return (D_MODEL, FFN)
    raise AssertionError(f"tiny_model does not know the shape of {name}; ctranslate2 changed?")


def _fill(layer: model_spec.LayerSpec, scope: str, vocab: int, rng: np.random.Generator) -> None:
    """Give every required, still unset variable small random weights of the right shape."""
    for name, value in list(vars(layer).items()):
        if name.startswith("_"):
            continue
        if isinstance(value, list):
            for index, child in enumerate(value):
                _fill(child, f"{scope}/{name}_{index}", vocab, rng)
        elif isinstance(value, model_spec.LayerSpec):
            _fill(value, f"{scope}/{name}", vocab, rng)
        elif value is None:
            shape = _shape(f"{scope}/{name}", vocab)
            weights = rng.normal(0.0, 0.5, shape) if name != "gamma" else np.ones(shape)
            setattr(layer, name, weights.astype(np.float32))


def _train_tokenizer(directory: Path) -> sentencepiece.SentencePieceProcessor:
    corpus = directory / "corpus.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(directory / "sentencepiece"),
        vocab_size=80,
        model_type="bpe",
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2,
    )
    corpus.unlink()
    (directory / "sentencepiece.vocab").unlink()
    return sentencepiece.SentencePieceProcessor(model_file=str(directory / "sentencepiece.model"))


def _build_transformer(directory: Path, vocabulary: list[str], eos_id: int) -> None:
    spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=2)
    _fill(spec, "", len(vocabulary), np.random.default_rng(7))
    # Random weights would often end the output at once; make "</s>" unlikely so every
    # translation is a few made-up tokens long.
    bias = np.zeros(len(vocabulary), dtype=np.float32)
    bias[eos_id] = -3.0
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize()
    directory.mkdir()
    spec.save(str(directory))


def build_package_dir(directory: Path, *, from_code: str = "en", to_code: str = "fr") -> Path:
    """An extracted package: metadata.json, sentencepiece.model and model/ in `directory`."""
    directory.mkdir(parents=True)
    tokenizer = _train_tokenizer(directory)
    vocabulary = [tokenizer.id_to_piece(i) for i in range(tokenizer.get_piece_size())]
    _build_transformer(directory / "model", vocabulary, tokenizer.eos_id())
    metadata = {
        "package_version": "1.0",
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": "Test source",
        "to_code": to_code,
        "to_name": "Test target",
    }
    (directory / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    assert ctranslate2.contains_model(str(directory / "model"))
    return directory


def zip_package(directory: Path, destination: Path, *, extra: dict[str, bytes] | None = None,
                skip: tuple[str, ...] = ()) -> Path:
    """Zip an extracted package as Argos does, under one top-level folder.

    `skip` leaves out files by their path inside the package; `extra` adds entries with any
    name at all (for path traversal tests).
    """
    top = directory.name
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            relative = path.relative_to(directory).as_posix()
            if path.is_file() and not relative.startswith(skip):
                archive.write(path, f"{top}/{relative}")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return destination
