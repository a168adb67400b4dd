import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.images.models import Image

from newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def test_a_backup_round_trips_articles_and_media(make_article, media, tmp_path, capsys):
    from newsroom.demo import demo_image

    image = demo_image("Kept picture", 1)
    article = make_article("Kept story", hero_image=image)
    picture = Path(image.file.path)
    assert picture.exists()
    archive = tmp_path / "nightly.tar.gz"
    call_command("backup", str(archive))
    assert capsys.readouterr().out.strip() == str(archive)

    article.delete()
    Image.objects.all().delete()
    picture.unlink(missing_ok=True)  # Wagtail may already have removed it with the image
    make_article("Written after the backup")

    call_command("restore", str(archive), "--yes")
    titles = set(ArticlePage.objects.values_list("title", flat=True))
    assert titles == {"Kept story"}
    assert ArticlePage.objects.get(title="Kept story").hero_image.title == "Kept picture"
    assert picture.exists()


def test_restore_refuses_something_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tarball")
    with pytest.raises(CommandError, match="is not a Crosspost backup"):
        call_command("restore", str(bogus), "--yes")


def test_restore_refuses_paths_that_escape_the_archive(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload.txt"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as archive:
        archive.add(payload, arcname="../../outside.txt")
    with pytest.raises(CommandError, match="unsafe entry"):
        call_command("restore", str(evil), "--yes")


def test_restore_asks_before_replacing_anything(make_article, tmp_path, monkeypatch):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive))
    make_article("Still here")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(archive))
    assert ArticlePage.objects.filter(title="Still here").exists()
