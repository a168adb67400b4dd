from django.core.management.base import BaseCommand

from search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the article search index from the live articles (after an upgrade or a restore)."

    def handle(self, *args, **options) -> None:
        count = search_index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} articles."))
