"""Installing Argos models from a package index: `crosspost translation install --from-index`.

An Argos-style index is a JSON list of packages, each with `from_code`, `to_code`,
`package_version` and `links` (download URLs; the Argos project publishes one, the default of
CROSSPOST_MT_INDEX_URL). Index and packages come through the safe fetcher. It is all or nothing:
every wanted pair is found in the index, downloaded, checked against what the index says of it
(a zip whose metadata.json names the same pair; the checksum where the index gives one) and
staged — unpacked and loaded once — before any is put in place. One failure discards them all
and leaves the models folder as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from crosspost.lib.safe_fetch import FetchError, fetch
from translation.engines.argos import argos_codes
from translation.engines.argos_models import InstalledModel, StagedModel, installed_models, stage_package

INDEX_TYPES = ("application/json", "text/plain", "application/octet-stream")
INDEX_MAX_BYTES = 10 * 1024 * 1024
# A real model is 50–300 MB; downloads get their own time, the fetcher's 15 s is for web pages.
PACKAGE_MAX_BYTES = 2 * 1024 * 1024 * 1024
PACKAGE_TIMEOUT = 3600.0
_HEX = re.compile(r"[0-9a-f]{32,128}")


@dataclass(frozen=True)
class IndexPackage:
    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]
    checksum: tuple[str, str] | None = None  # (hashlib algorithm, hex digest)

    @property
    def label(self) -> str:
        return f"{self.from_code} → {self.to_code} {self.version}".strip()


def index_read(url: str) -> list[IndexPackage]:
    """The translation packages an index lists; entries of other types or without codes are skipped."""
    try:
        document = fetch(url, accept=INDEX_TYPES, max_bytes=INDEX_MAX_BYTES)
    except FetchError as exc:
        raise ValueError(f"cannot read the package index: {exc}") from None
    try:
        entries = json.loads(document.content)
    except ValueError:
        raise ValueError(f"the package index at {url} is not JSON") from None
    if not isinstance(entries, list):
        raise ValueError(f"the package index at {url} is not a list of packages")
    return [package for entry in entries if (package := _package(entry)) is not None]


def _package(entry: object) -> IndexPackage | None:
    if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
        return None
    codes = entry.get("from_code"), entry.get("to_code")
    links = entry.get("links")
    if not all(isinstance(code, str) and code for code in codes) or not isinstance(links, list):
        return None
    return IndexPackage(
        from_code=str(codes[0]).lower(), to_code=str(codes[1]).lower(),
        version=str(entry.get("package_version", "")),
        links=tuple(link for link in links if isinstance(link, str)),
        checksum=_checksum(entry),
    )


def _checksum(entry: dict) -> tuple[str, str] | None:
    """`sha256: <hex>`, or `checksum: "<algorithm>:<hex>"` (a bare hex digest is taken as SHA-256).
    A checksum that cannot be read is kept as unusable, so the package is refused, not trusted."""
    if isinstance(entry.get("sha256"), str):
        return "sha256", entry["sha256"].strip().lower()
    value = entry.get("checksum")
    if value is None:
        return None
    algorithm, _, digest = str(value).strip().lower().rpartition(":")
    return algorithm or "sha256", digest


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def index_choose(packages: list[IndexPackage], source: str, target: str) -> IndexPackage | None:
    """The newest package for Crosspost's `source` → `target`, by Argos's codes for them."""
    for src in argos_codes(source):
        for tgt in argos_codes(target):
            found = [p for p in packages if (p.from_code, p.to_code) == (src, tgt)]
            if found:
                return max(found, key=lambda p: _version_key(p.version))
    return None


def _download(package: IndexPackage, directory: Path) -> Path:
    """The package's file, from the first of its links that answers; ValueError naming each failure."""
    failures = []
    for number, link in enumerate(package.links):
        path = directory / f"{package.from_code}_{package.to_code}-{number}.argosmodel"
        try:
            with path.open("wb") as sink:
                fetch(link, accept=(), max_bytes=PACKAGE_MAX_BYTES, timeout=PACKAGE_TIMEOUT, sink=sink)
            return path
        except FetchError as exc:
            path.unlink(missing_ok=True)
            failures.append(str(exc))
    raise ValueError(f"{package.label}: could not download ({'; '.join(failures) or 'the index gives no link'})")


def _verify(path: Path, package: IndexPackage) -> None:
    """The file is what the index promised: a zip holding metadata.json for the same pair, with
    the checksum the index gives."""
    if package.checksum is not None:
        algorithm, expected = package.checksum
        if algorithm not in hashlib.algorithms_guaranteed or not _HEX.fullmatch(expected):
            raise ValueError(f"{package.label}: the index gives a checksum that cannot be checked ({algorithm})")
        digest = hashlib.new(algorithm)
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1024 * 1024), b""):
                digest.update(block)
        if digest.hexdigest() != expected:
            raise ValueError(f"{package.label}: checksum mismatch ({algorithm} {digest.hexdigest()}, "
                             f"the index says {expected})")
    try:
        with zipfile.ZipFile(path) as archive:
            name = next((n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "metadata.json"
                         and n.count("/") <= 1), None)
            metadata = json.loads(archive.read(name)) if name else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, KeyError):
        raise ValueError(f"{package.label}: the download is not a readable Argos package") from None
    if not isinstance(metadata, dict):
        raise ValueError(f"{package.label}: the download has no metadata.json")
    found = (str(metadata.get("from_code", "")).lower(), str(metadata.get("to_code", "")).lower())
    if found != (package.from_code, package.to_code):
        raise ValueError(f"{package.label}: the download is a {found[0] or '?'} → {found[1] or '?'} model")


def models_install_from_index(
    *, source: str, targets: list[str], index_url: str, models_dir: str | Path,
    progress: Callable[[str], None] = lambda line: None,
) -> list[InstalledModel]:
    """Install the newest `source` → target model of each target from the index; a pair already
    installed in the index's version is left alone. Raises ValueError, installing nothing."""
    models_dir = Path(models_dir)
    packages = index_read(index_url)
    wanted = {target: index_choose(packages, source, target) for target in targets if target != source}
    missing = [target for target, package in wanted.items() if package is None]
    if missing:
        raise ValueError(f"the package index has no model for {source} → {', '.join(missing)}")
    installed = {(m.from_code, m.to_code): m for m in installed_models(models_dir)}
    todo = []
    # Two codes may need one package ("pt" and "pt-br" both use Argos's pt).
    for package in {(p.from_code, p.to_code): p for p in wanted.values() if p is not None}.values():
        current = installed.get((package.from_code, package.to_code))
        if current and current.version == package.version:
            progress(f"{package.label} is already installed")
        else:
            todo.append(package)
    models_dir.mkdir(parents=True, exist_ok=True)
    staged: list[StagedModel] = []
    with tempfile.TemporaryDirectory(prefix=".download-", dir=models_dir) as downloads:
        try:
            for package in todo:
                progress(f"Downloading {package.label}")
                path = _download(package, Path(downloads))
                _verify(path, package)
                staged.append(stage_package(path, models_dir=models_dir))
                path.unlink()
        except BaseException:
            for model in staged:
                model.discard()
            raise
    return [model.install() for model in staged]
