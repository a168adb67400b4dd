from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crosspost.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the database and uploaded media with those of a backup made by `crosspost backup`."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, path: str, yes: bool, **options) -> None:
        if not yes:
            if not options.get("interactive", True) or input(
                f"This replaces the current database and media with {path}. Type 'yes' to go on: "
            ).strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            manifest = backup_restore(source=Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored the backup made {manifest['created_at']} ({manifest['engine']}).")
