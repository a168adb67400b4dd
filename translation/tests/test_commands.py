import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from lxml import html as lxml_html

from translation.models import SegmentTranslation, TranslationJob
from translation.tests.tiny_model import build_package_dir, zip_package

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def argos_package(tmp_path_factory):
    return zip_package(build_package_dir(tmp_path_factory.mktemp("build") / "translate-en_fr"),
                       tmp_path_factory.mktemp("dist") / "translate-en_fr-1_0.argosmodel")


def test_an_installed_argos_model_translates_a_page_for_readers(argos_package, settings, tmp_path, client,
                                                                  make_article, capsys,
                                                                  django_capture_on_commit_callbacks):
    settings.CROSSPOST_MT_BACKEND = "argos"
    settings.CROSSPOST_MT_MODELS_DIR = tmp_path / "models"
    call_command("translation", "install", str(argos_package))
    assert "Installed en → fr" in capsys.readouterr().out
    article = make_article("Offline story", paragraphs=('The <a href="https://x.example/">river</a> rose.',))
    path = article.url
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/fr{path}")
    translation.activate("en")
    assert TranslationJob.objects.get(page=article, language="fr").status == "done"
    stored = SegmentTranslation.objects.filter(language="fr", engine="argos")
    assert stored.count() == 2
    tree = lxml_html.fromstring(client.get(f"/fr{path}").content)
    translation.activate("en")
    assert tree.xpath('//div[@class="article__body"]//a/@href') == ["https://x.example/"]
    assert "Translation in progress" not in tree.text_content()


def test_install_refuses_a_file_that_is_not_a_model(tmp_path, settings):
    settings.CROSSPOST_MT_MODELS_DIR = tmp_path / "models"
    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_text("nope")
    with pytest.raises(CommandError, match="Cannot install"):
        call_command("translation", "install", str(bogus))


def test_translate_a_page_now_and_see_the_status(libretranslate, make_article, capsys):
    article = make_article("Command story")
    call_command("translation", "page", str(article.pk), "--languages", "fr,de")
    out = capsys.readouterr().out
    assert "fr: 3 segments translated" in out and "de: 3 segments translated" in out
    with pytest.raises(CommandError, match="Not a served language"):
        call_command("translation", "page", str(article.pk), "--languages", "xx")
    call_command("translation", "status")
    assert "All translation jobs are done." in capsys.readouterr().out


def test_without_an_engine_the_commands_say_so(make_article, settings):
    settings.CROSSPOST_MT_BACKEND = "none"
    article = make_article()
    with pytest.raises(CommandError, match="No machine-translation engine"):
        call_command("translation", "page", str(article.pk), "--languages", "fr")
    with pytest.raises(CommandError, match="No machine-translation engine"):
        call_command("translation", "ui", "--languages", "fr")
