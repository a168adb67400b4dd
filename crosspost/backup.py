"""Backups of the database and uploaded media as one .tar.gz, and restoring them.

SQLite is copied with SQLite's online backup API, so a backup taken while the site runs is
consistent; PostgreSQL goes through pg_dump / pg_restore (custom format). A backup restores
only onto the same kind of database it came from.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from crosspost import pagecache

FORMAT = 1


class BackupError(Exception):
    """A one-line reason the backup or restore could not be done; nothing was changed."""


def _engine() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or ""),
           "PGUSER": db.get("USER") or "", "PGDATABASE": db["NAME"]}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip().splitlines()[-1:] or result.returncode}")


def backup_create(*, destination: Path | None = None) -> Path:
    """Write database + media to a .tar.gz and return its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    destination = destination or Path(settings.VAR_DIR) / "backups" / f"crosspost-{stamp}.tar.gz"
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        engine = _engine()
        if engine == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(work / "db.sqlite3")
            with target:
                connection.connection.backup(target)
            target.close()
        elif engine == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={work / 'db.dump'}"],
                 _pg_env())
        else:
            raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")
        applied = sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())
        manifest = {"format": FORMAT, "engine": engine, "created_at": datetime.now(UTC).isoformat(),
                    "migrations": applied}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = destination.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            for name in ("db.sqlite3", "db.dump"):
                if (work / name).exists():
                    archive.add(work / name, arcname=name)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, arcname="media")
        partial.replace(destination)
    return destination


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or member.issym() or member.islnk():
            raise BackupError(f"refusing a backup with an unsafe entry: {member.name}")
        members.append(member)
    return members


def backup_restore(*, source: Path) -> dict:
    """Replace the database and media with the backup's. Returns the backup's manifest."""
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        try:
            with tarfile.open(source, "r:gz") as archive:
                archive.extractall(work, members=_safe_members(archive), filter="data")
            manifest = json.loads((work / "manifest.json").read_text())
        except (tarfile.TarError, OSError, ValueError) as exc:
            raise BackupError(f"{source} is not a Crosspost backup: {exc}") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["engine"] != _engine():
            raise BackupError(f"this backup is of a {manifest['engine']} database; DATABASE_URL points at {_engine()}")
        if manifest["engine"] == "sqlite":
            connection.ensure_connection()
            backup_db = sqlite3.connect(work / "db.sqlite3")
            with backup_db:
                backup_db.backup(connection.connection)
            backup_db.close()
        else:
            connection.close()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                  f"--dbname={connection.settings_dict['NAME']}", str(work / "db.dump")], _pg_env())
        media = Path(settings.MEDIA_ROOT)
        if (work / "media").exists():
            old = media.with_name(media.name + ".before-restore")
            shutil.rmtree(old, ignore_errors=True)
            if media.exists():
                media.rename(old)
            shutil.copytree(work / "media", media)
            shutil.rmtree(old, ignore_errors=True)
    pagecache.pagecache_purge_all()
    return manifest
