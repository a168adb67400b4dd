"""Argos Translate models run in-process: CTranslate2 for the network, SentencePiece for tokens.

The packages are installed and loaded by translation/engines/argos_models.py; fragments are cut
into sentences and put back together by translation/engines/markup.py. What is left here is
choosing the model for a language pair and running it, every sentence of a batch in one call.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from translation.engines import markup
from translation.engines.argos_models import InstalledModel, LoadedModel, installed_models, load_model
from translation.engines.base import Engine, EngineError, UnsupportedPair

# Crosspost's codes where Argos's differ; others use the code itself, then its base ("pt-br" → "pt").
# Argos calls traditional Chinese "zt"; a "zh" model writes simplified characters, so no fallback.
_CODES = {"zh-hans": ["zh"], "zh-hant": ["zt"], "nb": ["nb", "no"]}
_RESCAN_SECONDS = 60

# Argos models are trained on sentences of at most ~150 tokens; longer runs are cut in chunks.
_MAX_INPUT_TOKENS = 200
_MAX_DECODING_LENGTH = 256
_BEAM_SIZE = 2
_MAX_BATCH_SIZE = 32


def argos_codes(code: str) -> list[str]:
    """The Argos codes a model for Crosspost's `code` may be filed under, best first."""
    code = code.lower()
    return _CODES.get(code, [code, code.split("-")[0]])


class ArgosEngine(Engine):
    """Translate with the Argos models installed in `models_dir`, found again every minute.

    A pair's model loads on first use and stays in memory for the life of the process. One
    CTranslate2 translator serves every thread: it queues their batches for its single worker.
    """

    name = "argos"

    def __init__(self, *, models_dir: str | Path) -> None:
        self.models_dir = Path(models_dir)
        self._lock = threading.Lock()
        # Loading a model takes seconds; `supports` should not wait for it.
        self._load_lock = threading.Lock()
        self._models: dict[tuple[str, str], InstalledModel] = {}
        self._scanned_at: float | None = None
        self._loaded: dict[Path, LoadedModel] = {}

    def _installed(self) -> dict[tuple[str, str], InstalledModel]:
        with self._lock:
            if self._scanned_at is None or time.monotonic() - self._scanned_at > _RESCAN_SECONDS:
                models = installed_models(self.models_dir)
                self._models = {(model.from_code, model.to_code): model for model in models}
                self._scanned_at = time.monotonic()
            return self._models

    def pair(self, source: str, target: str) -> InstalledModel:
        installed = self._installed()
        for src in argos_codes(source):
            for tgt in argos_codes(target):
                if (src, tgt) in installed:
                    return installed[(src, tgt)]
        raise UnsupportedPair(f"No Argos model installed for {source} to {target}")

    def _load(self, model: InstalledModel) -> LoadedModel:
        with self._load_lock:
            if model.path not in self._loaded:
                self._loaded[model.path] = load_model(model.path)
            return self._loaded[model.path]

    def translate(self, fragments: list[str], *, source: str, target: str) -> list[str]:
        if not fragments:
            return []
        model = self.pair(source, target)
        sentences: dict[str, int] = {}
        templates = [markup.template(fragment, sentences, source) for fragment in fragments]
        if not sentences:
            return list(fragments)
        translated = _translate_sentences(self._load(model), list(sentences))
        return [markup.render(template, translated) for template in templates]


def _translate_sentences(loaded: LoadedModel, sentences: list[str]) -> list[str]:
    """Translate every sentence in one `translate_batch` call; CTranslate2 sub-batches by length."""
    batch: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        tokens = loaded.tokenizer.encode(sentence, out_type=str)
        start = len(batch)
        batch += [tokens[i : i + _MAX_INPUT_TOKENS] for i in range(0, len(tokens), _MAX_INPUT_TOKENS)]
        spans.append((start, len(batch)))
    prefix = [[loaded.target_prefix] for _ in batch] if loaded.target_prefix else None
    try:
        results = loaded.translator.translate_batch(
            batch,
            target_prefix=prefix,
            beam_size=_BEAM_SIZE,
            max_batch_size=_MAX_BATCH_SIZE,
            max_decoding_length=_MAX_DECODING_LENGTH,
            replace_unknowns=True,
        )
    except (RuntimeError, ValueError) as exc:
        raise EngineError(f"Argos translation failed: {exc}") from None
    outputs = []
    for result in results:
        tokens = result.hypotheses[0]
        if prefix and tokens[:1] == [loaded.target_prefix]:
            tokens = tokens[1:]
        outputs.append(loaded.tokenizer.decode(tokens))
    # A model that answers nothing for a sentence leaves the original rather than a hole.
    return [
        " ".join(text for text in outputs[start:end] if text.strip()) or sentence
        for sentence, (start, end) in zip(sentences, spans)
    ]
