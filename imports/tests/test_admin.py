"""Settings → Import: an administrator uploads an export and a worker imports it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crosspost.lib.leases import holder
from imports.models import ImportRun
from imports.services import import_run_process
from imports.tests.conftest import DATA, SAMPLES
from newsroom.models import ArticlePage
from newsroom.services import EDITOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", "x"))
    return client


def upload(name) -> SimpleUploadedFile:
    path = DATA / name
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_an_uploaded_export_is_imported_by_a_worker_and_reported(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("imports_index"), {
            "source": "wordpress", "file": upload(SAMPLES / "delta-courier.xml"),
            "maps": "category:europe=region:europe"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports_run", args=[run.pk])
    assert run.status == ImportRun.Status.DONE and run.done == run.total == 8
    assert run.report["articles"] == 4 and run.report["skipped"] == [{"source_id": "105", "reason": "in the trash"}]
    assert ArticlePage.objects.count() == 4
    page = admin_client.get(reverse("imports_run", args=[run.pk]))
    assert b"in the trash" in page.content and b"refresh" not in page.content


def test_a_ghost_import_from_the_admin_can_mail_members_their_confirmation(admin_client, smtp,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("imports_index"), {
            "source": "ghost", "file": upload("crosspost-ghost-newsroom.json"), "send_confirmations": "on"})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE and run.report["confirmations_sent"] == 2
    assert sorted(smtp.counts()) == ["Reader.Two@example.org", "reader.one@example.org"]


def test_a_running_import_shows_its_progress_and_refreshes(admin_client):
    run = ImportRun.objects.create(source="ghost", file=upload("crosspost-ghost-newsroom.json"),
                                   status=ImportRun.Status.RUNNING, done=3, total=7)
    page = admin_client.get(reverse("imports_run", args=[run.pk]))
    assert b"3 of 7 items (42%)" in page.content and b'http-equiv="refresh"' in page.content


def test_the_wrong_kind_of_file_and_bad_rules_are_refused_with_a_reason(admin_client):
    response = admin_client.post(reverse("imports_index"), {
        "source": "ghost", "file": upload(SAMPLES / "delta-courier.xml"), "maps": "category:x=planet:y"})
    assert b"A Ghost (.json) export is a .json file." in response.content
    assert b"the target must be region, theme, dossier or drop" in response.content
    assert not ImportRun.objects.exists()


def test_a_bad_file_fails_the_run_with_one_line(admin_client, django_capture_on_commit_callbacks):
    bad = SimpleUploadedFile("broken.json", b'{"db": [')
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("imports_index"), {"source": "ghost", "file": bad})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and run.error.startswith("not a complete JSON file")
    assert not ArticlePage.objects.exists()


def test_a_run_held_by_a_live_worker_is_not_taken_twice(admin_client):
    run = ImportRun.objects.create(source="ghost", file=upload("crosspost-ghost-newsroom.json"),
                                   status=ImportRun.Status.RUNNING, claimed_by=holder())
    assert import_run_process(run_id=run.pk) is False
    dead = ImportRun.objects.create(source="ghost", file=upload("crosspost-ghost-newsroom.json"),
                                    status=ImportRun.Status.RUNNING, claimed_by="elsewhere:1:1")
    assert import_run_process(run_id=dead.pk) is True  # its lease lapsed (never claimed_at): resumed
    assert ImportRun.objects.get(pk=dead.pk).status == ImportRun.Status.DONE


def test_an_unexpected_failure_hands_the_run_back_for_a_later_attempt(admin_client, monkeypatch):
    def database_gone(**kwargs):
        raise RuntimeError("server closed the connection")

    queued = []

    class Task:
        def using(self, run_after):
            return self

        def enqueue(self, run_id):
            queued.append(run_id)

    monkeypatch.setattr("imports.services.ghost_import", database_gone)
    monkeypatch.setattr("imports.tasks.import_run_task", Task())
    run = ImportRun.objects.create(source="ghost", file=upload("crosspost-ghost-newsroom.json"))
    assert import_run_process(run_id=run.pk) is True
    run.refresh_from_db()
    assert (run.status, run.claimed_by, run.attempts) == (ImportRun.Status.PENDING, "", 1)
    assert run.error == "attempt 1: server closed the connection" and queued == [run.pk]
    assert import_run_process(run_id=run.pk) is True  # the next attempt claims it again
    assert ImportRun.objects.get(pk=run.pk).attempts == 2


def test_editors_may_not_import(client):
    editor = User.objects.create_user("ed", "ed@example.org", "x")
    editor.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(editor)
    assert client.get(reverse("imports_index")).status_code == 302


def test_the_demo_imports_the_sample_and_its_old_urls_redirect(client, settings, tmp_path):
    from imports.demo import OLD_URLS, imports_demo_load

    settings.MEDIA_ROOT = str(tmp_path / "media")
    report = imports_demo_load()
    assert report["articles"] == 4 and report["images"] == 2
    for old in OLD_URLS:
        response = client.get(old)
        assert response.status_code == 301, old
        assert client.get(response["Location"]).status_code == 200
    assert imports_demo_load()["created"] == {}
