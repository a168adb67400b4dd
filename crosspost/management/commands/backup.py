from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crosspost.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and uploaded media to a .tar.gz (default: var/backups/)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help="Where to write the backup file.")

    def handle(self, *args, path: str | None, **options) -> None:
        try:
            written = backup_create(destination=Path(path) if path else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(written))
