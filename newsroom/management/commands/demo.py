from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsroom.demo import admin_user_ensure, demo_load, staff_users_ensure
from newsroom.models import ArticlePage


class Command(BaseCommand):
    help = "Load the demo newsroom (articles, reposts, authors, sections) and an admin user."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if articles already exist.")
        parser.add_argument("--articles", type=int, default=0,
                            help="Also bulk-generate this many archive articles (for scale tests).")

    def handle(self, *args, if_empty: bool, articles: int = 0, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo content is not loaded in production (CROSSPOST_ENV=production).")
        if if_empty and ArticlePage.objects.exists():
            self.stdout.write("Articles exist already; demo content not loaded.")
            return
        result = demo_load()
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {result['articles']} new articles."))
        if articles > 0:
            self._bulk(articles)
        password = admin_user_ensure()
        if password:
            self.stdout.write(
                self.style.WARNING(
                    "Admin user created (shown only this once):\n"
                    f"  {settings.SITE_URL}/admin/  username: admin  password: {password}"
                )
            )
        staff = staff_users_ensure()
        if staff:
            self.stdout.write(self.style.WARNING("Staff to try the roles with (shown only this once):\n" + "\n".join(
                f"  username: {name}  password: {secret}" for name, secret in staff.items())))

    def _bulk(self, count: int) -> None:
        import time

        from tqdm import tqdm

        from newsroom.bulk import articles_bulk_create

        started = time.monotonic()
        with tqdm(total=count, unit="article", disable=not self.stdout.isatty()) as bar:
            articles_bulk_create(count=count, progress=bar.update)
        if connection.vendor == "postgresql":
            # Autovacuum would analyse the tables that just grew a hundredfold, but only later; plans
            # made before then assume they are tiny. (SQLite has no statistics unless asked, and its
            # ANALYZE leaves empty tables unmeasured, which it then takes to be huge.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Generated {count} archive articles in {time.monotonic() - started:.1f} s.")
