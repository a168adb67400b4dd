"""Real exports (see data/README.md) and a helper that runs `crosspost import` as a user would."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from PIL import Image as PILImage

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).parents[1] / "samples"


def import_file(source: str, name: str, *args: str) -> dict:
    out = io.StringIO()
    call_command("import", source, str(DATA / name), *args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


@pytest.fixture
def run_import(settings, tmp_path) -> Callable[..., dict]:
    """`run_import("wordpress", "file.xml", "--map", …)` → the --json report (the last line)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return import_file


def imported_once(source: str, name: str, *args: str):
    """A module-wide fixture: the export imported once, inside a transaction rolled back at the end.

    Each test still runs in its own savepoint (pytest-django's `db`), so what one test changes the
    next does not see; the large export is read once per module instead of once per test.
    """
    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker, tmp_path_factory):
        from django.test import override_settings

        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
            with transaction.atomic():
                yield import_file(source, name, *args)
                transaction.set_rollback(True)

    return fixture


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A local copy of wp-content/uploads holding the pictures the Delta Courier export shows."""
    root = tmp_path / "uploads"
    (root / "2026" / "10").mkdir(parents=True)
    for name, colour in (("channel.png", "navy"), ("board.png", "olive")):
        PILImage.new("RGB", (64, 40), colour).save(root / "2026" / "10" / name)
    return root


from newsletter.tests.conftest import smtp  # noqa: E402,F401 - the real SMTP server the newsletter tests use
