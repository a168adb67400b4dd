"""Argos Translate model packages on disk: installing, listing and loading them.

An `.argosmodel` file is a zip of one folder holding `metadata.json` (from_code, to_code,
package_version), `model/` (a CTranslate2 model) and `sentencepiece.model`. We read that format
ourselves rather than depend on argostranslate, which pulls in stanza and torch. Each pair is
installed as `<models_dir>/<from>_<to>/`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import ctranslate2
import sentencepiece

from translation.engines.base import EngineError

logger = logging.getLogger(__name__)

_REQUIRED = ("metadata.json", "sentencepiece.model", "model/model.bin")
_LANGUAGE_CODE = re.compile(r"[a-z][a-z0-9-]{1,15}")
_INTRA_THREADS = max(1, min(4, os.cpu_count() or 1))


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


@dataclass(frozen=True)
class StagedModel:
    """A package unpacked and loaded once in a hidden folder of models_dir, not yet in place."""

    staging: Path
    metadata: dict

    @property
    def final(self) -> Path:
        return self.staging.parent / f"{self.metadata['from_code'].lower()}_{self.metadata['to_code'].lower()}"

    def install(self) -> InstalledModel:
        """Rename into place, replacing an earlier install of the same pair."""
        _move_into_place(self.staging, self.final)
        return _model_from(self.final, self.metadata)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def stage_package(path: str | Path, *, models_dir: str | Path) -> StagedModel:
    """Unpack an `.argosmodel` file (or an extracted one) next to its final place and load it
    once to prove it works. Raises ValueError with a one-line reason when the file is not a
    usable Argos model, leaving nothing behind."""
    path = Path(path)
    models_dir = Path(models_dir)
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=models_dir))
    try:
        metadata = _copy_directory(path, staging) if path.is_dir() else _extract_zip(path, staging)
        try:
            load_model(staging)
        except EngineError as exc:
            raise ValueError(f"{path.name}: the model does not load ({exc})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return StagedModel(staging, metadata)


def install_package(path: str | Path, *, models_dir: str | Path) -> InstalledModel:
    """Install an `.argosmodel` file (or an extracted one) as models_dir/<from>_<to>/: staged
    (see `stage_package`), then renamed into place."""
    return stage_package(path, models_dir=models_dir).install()


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
class LoadedModel:
    translator: ctranslate2.Translator
    tokenizer: sentencepiece.SentencePieceProcessor
    target_prefix: str


def load_model(path: Path) -> LoadedModel:
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
    return LoadedModel(translator, tokenizer, str(metadata.get("target_prefix") or ""))
