"""Argos Translate models run in-process: CTranslate2 for the network, SentencePiece for tokens.

An `.argosmodel` file is a zip of one folder holding `metadata.json` (from_code, to_code,
package_version), `model/` (a CTranslate2 model) and `sentencepiece.model`. We read that format
ourselves rather than depend on argostranslate, which pulls in stanza and torch. Each pair is
installed as `<models_dir>/<from>_<to>/`.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import ctranslate2
import sentencepiece

from translation.engines.base import EngineError, UnsupportedPair

logger = logging.getLogger(__name__)

# Crosspost's codes where Argos's differ; others use the code itself, then its base ("pt-br" → "pt").
# Argos calls traditional Chinese "zt"; a "zh" model writes simplified characters, so no fallback.
_CODES = {"zh-hans": ["zh"], "zh-hant": ["zt"], "nb": ["nb", "no"]}
_REQUIRED = ("metadata.json", "sentencepiece.model", "model/model.bin")
_LANGUAGE_CODE = re.compile(r"[a-z][a-z0-9-]{1,15}")
_RESCAN_SECONDS = 60

# Argos models are trained on sentences of at most ~150 tokens; longer runs are cut in chunks.
_MAX_INPUT_TOKENS = 200
_MAX_DECODING_LENGTH = 256
_BEAM_SIZE = 2
_MAX_BATCH_SIZE = 32
_INTRA_THREADS = max(1, min(4, os.cpu_count() or 1))

# A tag or comment, with quoted attribute values that may hold ">".
_TAG = re.compile(r"""<!--.*?-->|<[a-zA-Z/!?](?:[^>"']|"[^"]*"|'[^']*')*>""", re.S)
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_NO_TRANSLATE = re.compile(r"""\stranslate\s*=\s*["']?no\b""", re.I)
_UNTRANSLATED_ELEMENTS = {"code", "kbd", "samp", "var", "pre", "script", "style"}
_VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}
# End of a sentence: ".", "!", "?" or "…" then spaces and no lower-case letter ("e.g. this" stays
# whole), or a CJK full stop with or without spaces.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s++(?![a-z])|(?<=[。！？])\s*")


@dataclass(frozen=True)
class InstalledModel:
    from_code: str
    to_code: str
    path: Path
    version: str


def _read_metadata(text: str | bytes, label: str) -> dict:
    try:
        metadata = json.loads(text)
    except ValueError:
        raise ValueError(f"{label}: metadata.json is not valid JSON") from None
    if not isinstance(metadata, dict):
        raise ValueError(f"{label}: metadata.json is not a JSON object")
    for key in ("from_code", "to_code"):
        code = metadata.get(key)
        if not isinstance(code, str) or not _LANGUAGE_CODE.fullmatch(code.lower()):
            raise ValueError(f"{label}: metadata.json has no usable {key} (got {code!r})")
    return metadata


def _model_from(path: Path, metadata: dict) -> InstalledModel:
    return InstalledModel(
        from_code=metadata["from_code"].lower(),
        to_code=metadata["to_code"].lower(),
        path=path,
        version=str(metadata.get("package_version", "")),
    )


def _safe_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return not (name.startswith("/") or "\\" in name or ".." in parts or (parts and ":" in parts[0]))


def _zip_root(names: list[str]) -> str:
    """The one top-level folder every entry sits in, or "" when files sit at the top."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop() + "/"
    return ""


def _extract_zip(path: Path, destination: Path) -> dict:
    label = path.name
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{label}: not an Argos model (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            unsafe = next((name for name in names if not _safe_member(name)), None)
            if unsafe is not None:
                raise ValueError(f"{label}: refusing unsafe entry {unsafe!r}")
            root = _zip_root(names)
            missing = [required for required in _REQUIRED if root + required not in names]
            if missing:
                raise ValueError(f"{label}: not an Argos model, {', '.join(missing)} missing")
            metadata = _read_metadata(archive.read(root + "metadata.json"), label)
            for info in archive.infolist():
                target = destination / info.filename[len(root):]
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise ValueError(f"{label}: damaged archive ({exc})") from None
    return metadata


def _copy_directory(path: Path, destination: Path) -> dict:
    root = path
    if not (root / "metadata.json").exists():
        children = [child for child in path.iterdir() if child.is_dir()]
        if len(children) == 1:
            root = children[0]
    missing = [required for required in _REQUIRED if not (root / required).is_file()]
    if missing:
        raise ValueError(f"{path.name}: not an Argos model, {', '.join(missing)} missing")
    metadata = _read_metadata((root / "metadata.json").read_bytes(), path.name)
    shutil.copytree(root, destination, dirs_exist_ok=True)
    return metadata


def install_package(path: str | Path, *, models_dir: str | Path) -> InstalledModel:
    """Install an `.argosmodel` file (or an extracted one) as models_dir/<from>_<to>/.

    The package is unpacked and loaded once in a hidden folder next to its final place, then
    renamed into place, replacing an earlier install of the same pair. Raises ValueError with a
    one-line reason when the file is not a usable Argos model.
    """
    path = Path(path)
    models_dir = Path(models_dir)
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=models_dir))
    try:
        metadata = _copy_directory(path, staging) if path.is_dir() else _extract_zip(path, staging)
        try:
            _load(staging)
        except EngineError as exc:
            raise ValueError(f"{path.name}: the model does not load ({exc})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    final = models_dir / f"{metadata['from_code'].lower()}_{metadata['to_code'].lower()}"
    _move_into_place(staging, final)
    return _model_from(final, metadata)


def _move_into_place(staging: Path, final: Path) -> None:
    if not final.exists():
        staging.rename(final)
        return
    # Linux cannot swap two folders in one step. A running engine keeps the model it loaded; one
    # that scans in the instant between the renames sees the pair as not installed.
    retired = Path(tempfile.mkdtemp(prefix=".retired-", dir=final.parent))
    final.rename(retired / final.name)
    try:
        staging.rename(final)
    except OSError:
        (retired / final.name).rename(final)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def installed_models(models_dir: str | Path) -> list[InstalledModel]:
    """The models installed in models_dir, in folder order; unreadable folders are skipped."""
    models_dir = Path(models_dir)
    if not models_dir.is_dir():
        return []
    models = []
    for folder in sorted(models_dir.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            metadata = _read_metadata((folder / "metadata.json").read_bytes(), folder.name)
        except (OSError, ValueError) as exc:
            logger.warning("Skipping %s: %s", folder, exc)
            continue
        models.append(_model_from(folder, metadata))
    return models


@dataclass(frozen=True)
class _Loaded:
    translator: ctranslate2.Translator
    tokenizer: sentencepiece.SentencePieceProcessor
    target_prefix: str


def _load(path: Path) -> _Loaded:
    try:
        metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
        tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(path / "sentencepiece.model"))
        translator = ctranslate2.Translator(
            str(path / "model"), device="cpu", inter_threads=1, intra_threads=_INTRA_THREADS
        )
    except (OSError, RuntimeError, ValueError) as exc:
        # A broken install stays broken until an operator reinstalls it.
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        error = EngineError(f"Argos model at {path} is damaged: {detail}")
        error.retryable = False
        raise error from None
    # Multilingual Argos models pick the output language with a first target token.
    return _Loaded(translator, tokenizer, str(metadata.get("target_prefix") or ""))


def _candidates(code: str) -> list[str]:
    code = code.lower()
    return _CODES.get(code, [code, code.split("-")[0]])


class ArgosEngine:
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
        self._loaded: dict[Path, _Loaded] = {}

    def _installed(self) -> dict[tuple[str, str], InstalledModel]:
        with self._lock:
            if self._scanned_at is None or time.monotonic() - self._scanned_at > _RESCAN_SECONDS:
                models = installed_models(self.models_dir)
                self._models = {(model.from_code, model.to_code): model for model in models}
                self._scanned_at = time.monotonic()
            return self._models

    def _model(self, source: str, target: str) -> InstalledModel:
        installed = self._installed()
        for src in _candidates(source):
            for tgt in _candidates(target):
                if (src, tgt) in installed:
                    return installed[(src, tgt)]
        raise UnsupportedPair(f"No Argos model installed for {source} to {target}")

    def _load(self, model: InstalledModel) -> _Loaded:
        with self._load_lock:
            if model.path not in self._loaded:
                self._loaded[model.path] = _load(model.path)
            return self._loaded[model.path]

    def supports(self, source: str, target: str) -> bool:
        try:
            self._model(source, target)
        except UnsupportedPair:
            return False
        return True

    def translate(self, fragments: list[str], *, source: str, target: str) -> list[str]:
        if not fragments:
            return []
        model = self._model(source, target)
        sentences: dict[str, int] = {}
        templates = [_template(fragment, sentences) for fragment in fragments]
        if not sentences:
            return list(fragments)
        translated = _translate_sentences(self._load(model), list(sentences))
        return [_render(template, translated) for template in templates]


def _split_markup(fragment: str) -> list[tuple[str, bool]]:
    """The fragment as (piece, is translatable text) pairs; joined, the pieces give it back."""
    pieces: list[tuple[str, bool]] = []
    open_elements: list[tuple[str, bool]] = []  # (name, its text stays untranslated)
    position = 0
    for match in _TAG.finditer(fragment):
        if match.start() > position:
            kept = bool(open_elements) and open_elements[-1][1]
            pieces.append((fragment[position:match.start()], not kept))
        tag = match.group()
        pieces.append((tag, False))
        position = match.end()
        name_match = _TAG_NAME.match(tag)
        if name_match is None:
            continue
        closing, name = name_match.group(1), name_match.group(2).lower()
        if closing:
            for index in range(len(open_elements) - 1, -1, -1):
                if open_elements[index][0] == name:
                    del open_elements[index:]
                    break
        elif name not in _VOID_ELEMENTS and not tag.endswith("/>"):
            kept = (bool(open_elements) and open_elements[-1][1]) or name in _UNTRANSLATED_ELEMENTS
            open_elements.append((name, kept or bool(_NO_TRANSLATE.search(tag))))
    if position < len(fragment):
        kept = bool(open_elements) and open_elements[-1][1]
        pieces.append((fragment[position:], not kept))
    return pieces


def _template(fragment: str, sentences: dict[str, int]) -> list[str | int]:
    """The fragment as literal strings and indexes of sentences to translate (added to `sentences`)."""
    template: list[str | int] = []
    for piece, translatable in _split_markup(fragment):
        text = html.unescape(piece) if translatable else ""
        if not any(ch.isalpha() for ch in text):
            template.append(piece)
            continue
        core = piece.strip()
        start = piece.index(core)
        template.append(piece[:start])
        position = 0
        text = html.unescape(core)
        for match in _SENTENCE_BREAK.finditer(text):
            if match.end() < len(text):
                _add_sentence(text[position:match.start()], template, sentences)
                template.append(match.group())
                position = match.end()
        _add_sentence(text[position:], template, sentences)
        template.append(piece[start + len(core):])
    return template


def _add_sentence(sentence: str, template: list[str | int], sentences: dict[str, int]) -> None:
    if any(ch.isalpha() for ch in sentence):
        template.append(sentences.setdefault(sentence, len(sentences)))
    else:
        template.append(html.escape(sentence, quote=False))


def _render(template: list[str | int], translated: list[str]) -> str:
    return "".join(
        part if isinstance(part, str) else html.escape(translated[part], quote=False) for part in template
    )


def _translate_sentences(loaded: _Loaded, sentences: list[str]) -> list[str]:
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
