from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.demo import admin_user_ensure, demo_load
from newsroom.models import ArticlePage


class Command(BaseCommand):
    help = "Load the demo newsroom (articles, reposts, authors, sections) and an admin user."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if articles already exist.")

    def handle(self, *args, if_empty: bool, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo content is not loaded in production (CROSSPOST_ENV=production).")
        if if_empty and ArticlePage.objects.exists():
            self.stdout.write("Articles exist already; demo content not loaded.")
            return
        result = demo_load()
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {result['articles']} new articles."))
        password = admin_user_ensure()
        if password:
            self.stdout.write(
                self.style.WARNING(
                    "Admin user created (shown only this once):\n"
                    f"  {settings.SITE_URL}/admin/  username: admin  password: {password}"
                )
            )
