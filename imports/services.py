"""Importing a WordPress or Ghost site: the entry points the command, the admin and workers call.

The whole file is checked before anything is written (a bad or truncated export gives one
ExportError line and imports nothing). Posts are then written in batches, one transaction each:
a killed import keeps the batches it finished and, run again, skips what is unchanged and goes
on from there. `dry_run` runs everything inside one transaction that is rolled back, fetching no
media, and returns the report of what would have been done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from crosspost.lib.leases import backoff, claim_free, release
from imports import ghost as ghost_format
from imports import wxr
from imports.bulk import batch_write
from imports.mapping import SectionMap
from imports.media import MediaResolver
from imports.models import ImportRun
from imports.wordpress import WordPressReader
from imports.writer import Entry, Report, Writer
from imports.wxr import ExportError
from newsroom.services import site_ensure_structure

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
Progress = Callable[[int, int], Any]  # (done, total)

__all__ = ["ExportError", "ghost_import", "wordpress_import", "import_run_process"]


class _DryRun(Exception):
    pass


def _batches(entries: Iterable[Entry | None], size: int) -> Iterator[list[Entry | None]]:
    batch: list[Entry | None] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _run(writer: Writer, entries: Iterable[Entry | None], total: int, progress: Progress | None,
         before: Callable[[], None] = lambda: None, after: Callable[[], None] = lambda: None) -> None:
    from crosspost.pagecache import pagecache_purge_all, pagecache_purges_held

    done = 0
    # Authors and sections are published as they are met; each would purge the cache of what shows
    # them. The whole cache is retired once at the end instead.
    with pagecache_purges_held():
        with transaction.atomic():
            before()
        for batch in _batches(entries, BATCH_SIZE):
            with transaction.atomic():
                batch_write(writer, [entry for entry in batch if entry is not None])
            done += len(batch)
            if progress:
                progress(done, total)
        with transaction.atomic():
            writer.place_pages()
            after()
    transaction.on_commit(pagecache_purge_all)


def _dry(dry_run: bool, work: Callable[[], None]) -> None:
    if not dry_run:
        work()
        return
    try:
        with transaction.atomic():
            work()
            raise _DryRun
    except _DryRun:
        pass


def wordpress_import(*, file: IO[bytes], media_dir: Path | None = None, maps: list[str] | tuple[str, ...] = (),
                     dry_run: bool = False, progress: Progress | None = None) -> Report:
    """Import a WXR export; raises ExportError (nothing written) for a file that is not one."""
    sections = SectionMap(maps)
    channel = wxr.wxr_scan(file)
    site = (channel.base_url or channel.link or "").rstrip("/")[:200]
    report = Report(source="wordpress", dry_run=dry_run)
    media = MediaResolver(source="wordpress", site=site, media_dir=media_dir, dry_run=dry_run)
    writer = Writer(source="wordpress", site=site, report=report, media=media)
    reader = WordPressReader(channel, sections=sections, report=report)

    def entries() -> Iterator[Entry | None]:
        for item in wxr.wxr_items(file):
            for author in reader.item_authors(item):
                if author.key not in writer.authors:
                    writer.author(author)
            yield reader.entry(item)

    def work() -> None:
        def authors() -> None:
            site_ensure_structure()
            for author in reader.authors():
                writer.author(author)
        _run(writer, entries(), channel.items, progress, before=authors)

    _dry(dry_run, work)
    report.images = media.created
    report.media_missing_urls = media.missing
    return report


def ghost_import(*, file: IO[bytes], media_dir: Path | None = None, maps: list[str] | tuple[str, ...] = (),
                 members_confirmed: bool = False, send_confirmations: bool = False, dry_run: bool = False,
                 progress: Progress | None = None) -> Report:
    """Import a Ghost JSON export (2.x–6.x); raises ExportError (nothing written) for a bad file.

    `send_confirmations` mails each member imported as pending a confirmation link, once the
    import is written (never on a dry run).
    """
    export = ghost_format.ghost_load(file)
    report = Report(source="ghost", dry_run=dry_run)
    site = export.site[:200]
    media = MediaResolver(source="ghost", site=site, media_dir=media_dir, dry_run=dry_run)
    writer = Writer(source="ghost", site=site, report=report, media=media)
    reader = ghost_format.GhostReader(export, sections=SectionMap(maps, defaults=ghost_format.DEFAULT_RULES),
                                      report=report)

    waiting: list[tuple[str, int]] = []

    def work() -> None:
        def authors() -> None:
            site_ensure_structure()
            for author in reader.authors():
                writer.author(author)

        def members() -> None:
            waiting.extend(reader.members_import(confirmed=members_confirmed, writer=writer))

        _run(writer, reader.entries(), len(export.posts), progress, before=authors, after=members)

    _dry(dry_run, work)
    if send_confirmations and not dry_run:
        ghost_format.members_confirmations_send(writer=writer, waiting=waiting)
    report.images = media.created
    report.media_missing_urls = media.missing
    return report


# --- imports started in the admin, run by a worker ------------------------------------------------

def import_run_start(*, run: ImportRun) -> None:
    """Queue `run` for a worker."""
    from imports.tasks import import_run_task  # imports.tasks imports this module

    transaction.on_commit(lambda: import_run_task.enqueue(run.pk))


def import_run_process(*, run_id: int) -> bool:
    """Claim the run (or take it over from a dead holder) and import it; False if someone else has it."""
    unfinished = ImportRun.objects.filter(pk=run_id, status__in=[ImportRun.Status.PENDING, ImportRun.Status.RUNNING])
    if not claim_free(unfinished, status=ImportRun.Status.RUNNING, attempts=F("attempts") + 1):
        return False
    run = ImportRun.objects.get(pk=run_id)

    def progress(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(done=done, total=total, claimed_at=timezone.now())

    options = run.options or {}
    try:
        with run.file.open("rb") as file:
            if run.source == ImportRun.Source.WORDPRESS:
                report = wordpress_import(file=file, maps=options.get("maps", []), dry_run=options.get("dry_run", False),
                                          progress=progress)
            else:
                report = ghost_import(file=file, maps=options.get("maps", []), dry_run=options.get("dry_run", False),
                                      members_confirmed=options.get("members_confirmed", False),
                                      send_confirmations=options.get("send_confirmations", False), progress=progress)
    except (ExportError, ValueError) as exc:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, error=str(exc)[:500],
                                                   finished_at=timezone.now())
        return True
    except Exception as exc:
        logger.exception("import run %s failed", run.pk)
        # Unexpected (the database went away…): hand it back for a later attempt, which resumes.
        release(ImportRun.objects.filter(pk=run.pk), status=ImportRun.Status.PENDING,
                error=f"attempt {run.attempts}: {exc}"[:500])
        from imports.tasks import import_run_task  # imports.tasks imports this module

        import_run_task.using(run_after=timezone.now() + backoff(run.attempts)).enqueue(run.pk)
        return True
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.DONE, report=report.as_dict(), error="",
                                               finished_at=timezone.now())
    return True
