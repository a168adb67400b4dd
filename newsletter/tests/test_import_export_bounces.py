import csv
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from newsletter import services
from newsletter.models import Subscriber

pytestmark = pytest.mark.django_db

CSV = """email,name,language
ada@example.org,Ada,fr
not-an-email,Nobody,en
ADA@EXAMPLE.ORG,Ada again,en
ben@example.org,,xx
gone@example.org,Gone,en
"""


def test_importing_a_confirmed_list_reports_bad_rows_and_respects_opt_outs(smtp, tmp_path, capsys):
    Subscriber.objects.create(email="gone@example.org", status="unsubscribed")
    path = tmp_path / "list.csv"
    path.write_text(CSV)
    call_command("newsletter", "import", str(path), "--confirmed")
    out = capsys.readouterr().out
    assert "2 added" in out and "3 rejected" in out
    assert "line 3: not-an-email: not a valid email address" in out
    assert "line 4: ADA@EXAMPLE.ORG: duplicate of an earlier row" in out
    assert "line 6: gone@example.org: previously unsubscribed" in out
    ada = Subscriber.objects.get(email_key="ada@example.org")
    assert (ada.status, ada.name, ada.language) == ("confirmed", "Ada", "fr")
    assert Subscriber.objects.get(email_key="ben@example.org").language == "en"
    assert Subscriber.objects.get(email_key="gone@example.org").status == "unsubscribed"
    assert smtp.messages == [], "a confirmed list is not asked to confirm again"


def test_importing_without_confirmed_asks_each_new_reader_to_confirm(smtp, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("carla@example.org\ndan@example.org,Dan,de\n")
    call_command("newsletter", "import", str(path))
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"pending"}
    assert sorted(smtp.counts()) == ["carla@example.org", "dan@example.org"]


def test_an_address_the_mail_server_refuses_does_not_strand_the_rest_and_a_rerun_resends(smtp, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_text("carla@example.org\nrefused@example.org\ndan@example.org\n")
    smtp.replies["refused@example.org"] = ["451 4.3.0 try again later"]
    call_command("newsletter", "import", str(path))
    out = capsys.readouterr().out
    assert "3 added" in out and "1 saved as pending, but their confirmation mail failed" in out
    assert "line 2: refused@example.org" in out
    assert sorted(smtp.counts()) == ["carla@example.org", "dan@example.org"]
    call_command("newsletter", "import", str(path))
    assert smtp.counts()["refused@example.org"] == 1
    assert Subscriber.objects.count() == 3


def test_a_file_that_is_not_utf8_or_a_folder_that_does_not_exist_is_a_clean_error(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("r\xe9mi@example.org,R\xe9mi\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("newsletter", "import", str(path))
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("newsletter", "export", str(tmp_path / "missing" / "out.csv"))
    assert not Subscriber.objects.exists()


def test_importing_a_missing_file_is_a_clean_error():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("newsletter", "import", "/nonexistent/list.csv")


def test_export_writes_every_subscriber_as_csv(confirmed_subscribers, tmp_path):
    confirmed_subscribers(3)
    path = tmp_path / "out.csv"
    call_command("newsletter", "export", str(path))
    rows = list(csv.DictReader(path.open()))
    assert [r["email"] for r in rows] == ["reader0@example.org", "reader1@example.org", "reader2@example.org"]
    assert rows[0]["status"] == "confirmed"


def webhook(payload, secret="s3cret", **extra):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return Client(enforce_csrf_checks=True).post(
        "/newsletter/webhook/bounce/", body, content_type="application/json", **headers, **extra
    )


def test_the_bounce_webhook_stops_mail_to_bounced_and_complaining_readers(settings, confirmed_subscribers):
    settings.NEWSLETTER_WEBHOOK_SECRET = "s3cret"
    first, second = confirmed_subscribers(2)
    assert webhook({"email": "Reader0@Example.org", "type": "bounce"}).status_code == 200
    assert webhook({"email": second.email, "type": "complaint"}).json() == {"ok": True, "known": True}
    assert list(Subscriber.objects.order_by("pk").values_list("status", flat=True)) == ["bounced", "complained"]


@pytest.mark.parametrize(
    "payload,secret,status",
    [
        ({"email": "a@example.org"}, "wrong", 403),
        ({"email": "a@example.org"}, "", 403),
        ("not json", "s3cret", 400),
        ([1, 2], "s3cret", 400),
        ({"email": "a@example.org", "type": "spam"}, "s3cret", 400),
        ({"email": "a\x00@example.org"}, "s3cret", 400),
    ],
)
def test_the_bounce_webhook_refuses_bad_secrets_and_bad_payloads(settings, payload, secret, status):
    settings.NEWSLETTER_WEBHOOK_SECRET = "s3cret"
    assert webhook(payload, secret).status_code == status


def test_the_webhook_is_off_without_a_secret(settings):
    settings.NEWSLETTER_WEBHOOK_SECRET = ""
    assert webhook({"email": "a@example.org"}, secret="").status_code == 403


def test_the_bounce_command_marks_an_address(confirmed_subscribers):
    (reader,) = confirmed_subscribers(1)
    call_command("newsletter", "bounce", reader.email.upper(), "--complaint")
    reader.refresh_from_db()
    assert reader.status == "complained"
    with pytest.raises(CommandError):
        call_command("newsletter", "bounce", "stranger@example.org")


def test_bounced_readers_get_no_digest(smtp, make_article, confirmed_subscribers):
    readers = confirmed_subscribers(2)
    services.subscriber_mark_bounced(email=readers[0].email)
    services.selection_add(article=make_article("News"))
    assert services.daily_digest_send(workers=1)["sent"] == 1
    assert list(smtp.counts()) == [readers[1].email]
