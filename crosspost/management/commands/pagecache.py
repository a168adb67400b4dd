from django.core.management.base import BaseCommand

from crosspost.pagecache import pagecache_clear


class Command(BaseCommand):
    help = "Manage the full-page cache. `clear` deletes every cached page (readers get fresh ones)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["clear"])

    def handle(self, *args, action: str, **options) -> None:
        removed = pagecache_clear()
        self.stdout.write(f"Page cache cleared ({removed} entries).")
