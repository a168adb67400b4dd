"""crosspost translation install PATH | install --from-index [LANGS] | ui [--languages fr,ar] | page PAGE_ID --languages fr,ar | status"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from translation.engines import EngineError
from translation.models import TranslationJob


def _languages(value: str | None) -> list[str]:
    served = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    if not value:
        return served
    chosen = [code.strip().lower() for code in value.split(",") if code.strip()]
    unknown = [code for code in chosen if code not in served]
    if unknown:
        raise CommandError(f"Not a served language: {', '.join(unknown)} (see CROSSPOST_LANGUAGES)")
    return chosen


class Command(BaseCommand):
    help = "Machine translation: install offline models, translate the interface or a page, show jobs."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        install = sub.add_parser("install", help="Install an Argos Translate model file (.argosmodel), or the "
                                                 "models for some languages from the Argos package index.")
        install.add_argument("path", nargs="?")
        install.add_argument("--from-index", metavar="LANGS", nargs="?", const="",
                             help="Comma-separated codes (default: every served language): install the "
                                  "site language → each from CROSSPOST_MT_INDEX_URL.")
        ui = sub.add_parser("ui", help="Machine-translate the interface strings and compile them.")
        ui.add_argument("--languages", help="Comma-separated codes (default: every served language).")
        page = sub.add_parser("page", help="Translate one page now, without the worker.")
        page.add_argument("page_id", type=int)
        page.add_argument("--languages", required=True)
        sub.add_parser("status", help="Show translation jobs that are not done.")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"handle_{action}")(**options)

    def handle_install(self, *, path: str | None, from_index: str | None, **options) -> None:
        from translation.engines.argos_models import install_package

        if from_index is not None and path is None:
            self.install_from_index(_languages(from_index))
            return
        if path is None or from_index is not None:
            raise CommandError("Give either a model file or --from-index LANGS")
        try:
            model = install_package(path, models_dir=settings.CROSSPOST_MT_MODELS_DIR)
        except (ValueError, OSError) as exc:
            raise CommandError(f"Cannot install {path}: {exc}") from None
        self.stdout.write(f"Installed {model.from_code} → {model.to_code} into {model.path}")

    def install_from_index(self, languages: list[str]) -> None:
        from translation.engines.argos_index import models_install_from_index

        try:
            models = models_install_from_index(
                source=settings.LANGUAGE_CODE, targets=languages, index_url=settings.CROSSPOST_MT_INDEX_URL,
                models_dir=settings.CROSSPOST_MT_MODELS_DIR, progress=self.stdout.write)
        except (ValueError, OSError) as exc:
            raise CommandError(f"Nothing installed: {exc}") from None
        for model in models:
            self.stdout.write(f"Installed {model.from_code} → {model.to_code} {model.version} into {model.path}")

    def handle_ui(self, *, languages: str | None, **options) -> None:
        from translation.ui import ui_translate

        for language in _languages(languages):
            try:
                count = ui_translate(language=language)
            except EngineError as exc:
                raise CommandError(f"{language}: {exc}") from None
            self.stdout.write(f"{language}: {count} interface strings translated")

    def handle_page(self, *, page_id: int, languages: str, **options) -> None:
        from translation.jobs import page_translate

        try:
            page = Page.objects.get(pk=page_id).specific
        except Page.DoesNotExist:
            raise CommandError(f"No page with id {page_id}") from None
        for language in _languages(languages):
            try:
                count = page_translate(page=page, language=language)
            except EngineError as exc:
                raise CommandError(f"{language}: {exc}") from None
            self.stdout.write(f"{language}: {count} segments translated")

    def handle_status(self, **options) -> None:
        jobs = TranslationJob.objects.exclude(status=TranslationJob.Status.DONE).select_related("page")
        for job in jobs.order_by("-requested_at")[:100]:
            self.stdout.write(f"{job.status:8} {job.language:8} {job.page.title[:50]:50} {job.last_error[:80]}")
        if not jobs.exists():
            self.stdout.write("All translation jobs are done.")
