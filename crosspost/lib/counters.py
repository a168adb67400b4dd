"""Counters that every web process adds to without a database write per event.

Page views (the audience beacon) and republication views (the engagement pixel) are counted
here. A hit adds one to a dictionary in the process's memory; a background thread hands the
process's counts over every `COUNTERS_PUSH_SECONDS` as one *batch* to a store that every process
on the machine (or, with Redis, every machine) shares; the task worker's flush (audience.services)
reads the batches, writes them into pre-aggregated daily rows and deletes them. So the counts of
two web processes reach the one worker that writes them, which an in-process cache never did.

Stores:
- `FileStore` (the embedded default, no Redis): a batch is a JSON file under
  `var/counters/batches/`, written to a temporary name and renamed into place, so a reader never
  sees half a batch. The visitors of a day are a small SQLite set under `var/counters/visitors/`.
- `RedisStore` (when `REDIS_URL` is set): a batch is a key listed in a set; a day's visitors are a
  HyperLogLog (PFADD), which keeps no identities at all.

Each batch has a unique name, and the flush records the names it applied in the same database
transaction as the counts, so a batch is counted exactly once even if two flushers read it or a
flusher dies between committing and deleting. What a crash can lose is the last few seconds of
one web process's counts, not yet pushed.

Unique visitors: the caller hashes what identifies a browser for the day with the day's salt
(`salt(day)`), a random value created by the first process that needs it and deleted with the
day's visitor set once the day is over, so yesterday's hashes can never be recomputed.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

Key = tuple  # (kind, field, field, ...) of str/int values, kept JSON-friendly


@dataclass
class Batch:
    """What one process counted between two pushes."""

    name: str
    started: float
    ended: float
    counts: dict[Key, int] = field(default_factory=dict)
    visitors: dict[str, set[str]] = field(default_factory=dict)  # day (ISO) -> visitor hashes

    def to_json(self) -> str:
        return json.dumps({
            "started": self.started, "ended": self.ended,
            "counts": [[list(key), n] for key, n in self.counts.items()],
            "visitors": {day: sorted(hashes) for day, hashes in self.visitors.items()},
        })

    @classmethod
    def from_json(cls, name: str, text: str) -> Batch:
        data = json.loads(text)
        return cls(
            name=name, started=data["started"], ended=data["ended"],
            counts={tuple(key): int(n) for key, n in data["counts"]},
            visitors={day: set(hashes) for day, hashes in data["visitors"].items()},
        )


# ---- stores -------------------------------------------------------------------------------------


class FileStore:
    """Batches as files, visitor sets as one SQLite file per day: shared by the processes of a host."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.batches = self.root / "batches"
        self.tmp = self.root / "tmp"
        self.visitor_dir = self.root / "visitors"
        for directory in (self.batches, self.tmp, self.visitor_dir):
            directory.mkdir(parents=True, exist_ok=True)

    def batch_write(self, batch: Batch) -> None:
        temporary = self.tmp / (batch.name + ".json")
        temporary.write_text(batch.to_json())
        os.replace(temporary, self.batches / (batch.name + ".json"))

    def batch_names(self) -> list[str]:
        return sorted(path.stem for path in self.batches.glob("*.json"))

    def batch_read(self, name: str) -> Batch | None:
        try:
            return Batch.from_json(name, (self.batches / (name + ".json")).read_text())
        except FileNotFoundError:  # another flusher finished it meanwhile
            return None

    def batch_delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.batches / (name + ".json")).unlink()

    def _visitors_db(self, day: str) -> sqlite3.Connection:
        connection = sqlite3.connect(self.visitor_dir / f"{day}.sqlite3", timeout=20)
        connection.execute("CREATE TABLE IF NOT EXISTS seen (h TEXT PRIMARY KEY) WITHOUT ROWID")
        return connection

    def visitors_merge(self, day: str, hashes: Iterable[str]) -> None:
        with contextlib.closing(self._visitors_db(day)) as connection, connection:
            connection.executemany("INSERT OR IGNORE INTO seen VALUES (?)", ((h,) for h in hashes))

    def visitors_count(self, day: str) -> int:
        if not (self.visitor_dir / f"{day}.sqlite3").exists():
            return 0
        with contextlib.closing(self._visitors_db(day)) as connection:
            return connection.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def salt(self, day: str) -> str:
        path = self.visitor_dir / f"{day}.salt"
        try:
            return path.read_text()
        except FileNotFoundError:
            pass
        temporary = self.tmp / f"{day}.{os.getpid()}.salt"
        temporary.write_text(secrets.token_hex(16))
        with contextlib.suppress(FileExistsError):  # link: the first process's salt wins
            os.link(temporary, path)
        temporary.unlink()
        return path.read_text()

    def days_forget(self, keep: set[str]) -> None:
        """Delete the salts and visitor sets of every day not in `keep`."""
        for path in self.visitor_dir.iterdir():
            if path.name.split(".")[0] not in keep:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisStore:
    """The same on Redis, for several hosts (or when Redis is there anyway)."""

    TTL = 3 * 24 * 3600  # a batch nobody flushes for three days is dropped

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        self.prefix = prefix

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def batch_write(self, batch: Batch) -> None:
        pipe = self.client.pipeline()
        pipe.set(self._key("batch", batch.name), batch.to_json(), ex=self.TTL)
        pipe.sadd(self._key("batches"), batch.name)
        pipe.execute()

    def batch_names(self) -> list[str]:
        return sorted(_text(name) for name in self.client.smembers(self._key("batches")))

    def batch_read(self, name: str) -> Batch | None:
        text = self.client.get(self._key("batch", name))
        if text is None:
            self.client.srem(self._key("batches"), name)  # expired
            return None
        return Batch.from_json(name, _text(text))

    def batch_delete(self, name: str) -> None:
        pipe = self.client.pipeline()
        pipe.delete(self._key("batch", name))
        pipe.srem(self._key("batches"), name)
        pipe.execute()

    def visitors_merge(self, day: str, hashes: Iterable[str]) -> None:
        hashes = list(hashes)
        if hashes:
            pipe = self.client.pipeline()
            pipe.pfadd(self._key("visitors", day), *hashes)
            pipe.expire(self._key("visitors", day), 2 * 24 * 3600)
            pipe.execute()

    def visitors_count(self, day: str) -> int:
        return int(self.client.pfcount(self._key("visitors", day)))

    def salt(self, day: str) -> str:
        key, fresh = self._key("salt", day), secrets.token_hex(16)
        self.client.set(key, fresh, nx=True, ex=2 * 24 * 3600)
        kept = self.client.get(key)
        return fresh if kept is None else _text(kept)  # None only if the key was dropped in between

    def days_forget(self, keep: set[str]) -> None:
        for kind in ("salt", "visitors"):
            for key in self.client.scan_iter(match=self._key(kind, "*"), count=100):
                if _text(key).rsplit(":", 1)[1] not in keep:
                    self.client.delete(key)


_store: Any = None
_store_for: tuple | None = None


def store() -> FileStore | RedisStore:
    """The store the settings name (re-read when they change, as tests do)."""
    global _store, _store_for
    wanted = (settings.COUNTERS_REDIS_URL, str(settings.COUNTERS_DIR), settings.COUNTERS_PREFIX)
    if _store_for != wanted:
        _store = RedisStore(wanted[0], wanted[2]) if wanted[0] else FileStore(Path(wanted[1]))
        _store_for = wanted
    return _store


# ---- the per-process buffer -----------------------------------------------------------------------

_HOST = socket.gethostname()[:40].replace(".", "-")


class _Buffer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.sequence = 0
        self.thread: threading.Thread | None = None
        self._reset()

    def _reset(self) -> None:
        self.counts: dict[Key, int] = {}
        self.visitors: dict[str, set[str]] = {}
        self.started = time.time()

    def add(self, key: Key, n: int, visitor: tuple[str, str] | None) -> None:
        with self.lock:
            counts = self.counts
            if key in counts:
                counts[key] += n
            elif len(counts) < settings.COUNTERS_MAX_KEYS:  # a flood of made-up keys stops here
                counts[key] = n
            if visitor is not None:
                self.visitors.setdefault(visitor[0], set()).add(visitor[1])
        if self.thread is None:
            self._start()

    def _start(self) -> None:
        with self.lock:
            if self.thread is not None:
                return
            self.thread = threading.Thread(target=self._run, name="counters-push", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(settings.COUNTERS_PUSH_SECONDS)
            try:
                self.push()
            except Exception:  # noqa: BLE001 - the store is away; these counts are kept for the next try
                import logging

                logging.getLogger(__name__).warning("could not hand counts over to the store", exc_info=True)

    def take(self) -> Batch | None:
        with self.lock:
            if not self.counts and not self.visitors:
                return None
            self.sequence += 1
            name = f"{time.time_ns()}-{_HOST}-{self.pid}-{self.sequence}"
            batch = Batch(name, self.started, time.time(), self.counts, self.visitors)
            self._reset()
            return batch

    def give_back(self, batch: Batch) -> None:
        with self.lock:
            for key, n in batch.counts.items():
                self.counts[key] = self.counts.get(key, 0) + n
            for day, hashes in batch.visitors.items():
                self.visitors.setdefault(day, set()).update(hashes)
            self.started = min(self.started, batch.started)

    def push(self) -> Batch | None:
        batch = self.take()
        if batch is None:
            return None
        try:
            store().batch_write(batch)
        except Exception:
            self.give_back(batch)
            raise
        return batch


_buffer = _Buffer()


def _buffer_here() -> _Buffer:
    global _buffer
    if _buffer.pid != os.getpid():  # forked: the parent's thread and counts stay with the parent
        _buffer = _Buffer()
    return _buffer


def counter_add(key: Key, n: int = 1, *, visitor: tuple[str, str] | None = None) -> None:
    """The hot path: add `n` to `key` in this process; `visitor` is (day, hash) for unique counts."""
    _buffer_here().add(key, n, visitor)


def counters_push() -> Batch | None:
    """Hand this process's counts to the store now (the thread does it every few seconds)."""
    return _buffer_here().push()


def counters_discard() -> None:
    """Forget this process's unpushed counts (tests start each case with none)."""
    _buffer_here().take()


@atexit.register
def _push_at_exit() -> None:
    with contextlib.suppress(Exception):
        if _buffer.pid == os.getpid():
            _buffer.push()


def salt(day: str) -> str:
    """The day's random salt, the same in every process; cached here for the day."""
    remembered = _salts.get(day)
    if remembered is None:
        remembered = store().salt(day)
        _salts.clear()  # a new day: yesterday's salt leaves this process's memory too
        _salts[day] = remembered
    return remembered


_salts: dict[str, str] = {}
