"""`crosspost translation install --from-index LANGS` against an Argos-style index served on loopback,
with tiny packages the tests build themselves (tiny_model.py)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from translation.engines.argos import ArgosEngine
from translation.engines.argos_models import installed_models
from translation.tests.tiny_model import build_package_dir, zip_package


class PackageServer:
    """Serves `files` (path → bytes) on 127.0.0.1 and notes every path asked for."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                body = server.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish_index(self, entries: list[dict]) -> None:
        self.files["/index.json"] = json.dumps(entries).encode()

    def downloads(self) -> list[str]:
        return [path for path in self.requests if path != "/index.json"]


def package(tmp: Path, to_code: str, *, version: str = "1.0", metadata_to: str | None = None) -> bytes:
    """A tiny package file for en → `to_code`, whose metadata.json may name another target."""
    directory = build_package_dir(tmp / f"build-{to_code}-{version}-{metadata_to}" / f"translate-en_{to_code}",
                                  to_code=metadata_to or to_code)
    metadata = json.loads((directory / "metadata.json").read_text())
    (directory / "metadata.json").write_text(json.dumps({**metadata, "package_version": version}))
    return zip_package(directory, directory.parent / "package.argosmodel").read_bytes()


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("packages")
    return {"fr": package(tmp, "fr"), "fr-1.1": package(tmp, "fr", version="1.1"), "de": package(tmp, "de"),
            "de-says-fr": package(tmp, "de", metadata_to="fr")}


@pytest.fixture
def index(settings, tmp_path) -> Iterator[PackageServer]:
    server = PackageServer()
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.1"]
    settings.CROSSPOST_MT_INDEX_URL = f"{server.url}/index.json"
    settings.CROSSPOST_MT_MODELS_DIR = tmp_path / "models"
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def entry(server: PackageServer, to_code: str, body: bytes, *, version: str = "1.0", **extra) -> dict:
    path = f"/files/translate-en_{to_code}-{version}.argosmodel"
    server.files[path] = body
    return {"package_version": version, "argos_version": "1.9", "from_code": "en", "to_code": to_code,
            "type": "translate", "links": [server.url + path], **extra}


def models(settings) -> list[tuple[str, str, str]]:
    return [(m.from_code, m.to_code, m.version) for m in installed_models(settings.CROSSPOST_MT_MODELS_DIR)]


def nothing_left_behind(settings) -> bool:
    directory = Path(settings.CROSSPOST_MT_MODELS_DIR)
    return not directory.exists() or list(directory.iterdir()) == []


def test_it_installs_the_newest_model_of_each_language_and_then_translates_offline(index, packages, settings,
                                                                                    capsys):
    sha = hashlib.sha256(packages["fr-1.1"]).hexdigest()
    index.publish_index([entry(index, "fr", packages["fr"]),
                         entry(index, "fr", packages["fr-1.1"], version="1.1", sha256=sha),
                         entry(index, "de", packages["de"]),
                         {"type": "sbd", "from_code": "en", "links": []}])
    call_command("translation", "install", "--from-index", "fr,de")
    assert sorted(models(settings)) == [("en", "de", "1.0"), ("en", "fr", "1.1")]
    out = capsys.readouterr().out
    assert "Installed en → fr 1.1" in out and "Installed en → de 1.0" in out
    engine = ArgosEngine(models_dir=settings.CROSSPOST_MT_MODELS_DIR)
    assert len(engine.translate(["The river rose."], source="en", target="fr")) == 1
    assert not [p for p in Path(settings.CROSSPOST_MT_MODELS_DIR).iterdir() if p.name.startswith(".")]
    downloads = len(index.downloads())
    call_command("translation", "install", "--from-index", "fr,de")
    assert len(index.downloads()) == downloads  # already there: nothing fetched again
    assert "en → fr 1.1 is already installed" in capsys.readouterr().out


def test_without_languages_it_installs_every_served_language(index, packages, settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    index.publish_index([entry(index, "fr", packages["fr"]), entry(index, "de", packages["de"])])
    call_command("translation", "install", "--from-index")
    assert models(settings) == [("en", "fr", "1.0")]


def test_a_checksum_mismatch_installs_nothing(index, packages, settings):
    index.publish_index([entry(index, "fr", packages["fr"]),
                         entry(index, "de", packages["de"], checksum="sha256:" + "0" * 64)])
    with pytest.raises(CommandError, match="Nothing installed: en → de 1.0: checksum mismatch"):
        call_command("translation", "install", "--from-index", "fr,de")
    assert nothing_left_behind(settings)


def test_a_package_that_is_another_pair_than_the_index_says_installs_nothing(index, packages, settings):
    index.publish_index([entry(index, "fr", packages["fr"]), entry(index, "de", packages["de-says-fr"])])
    with pytest.raises(CommandError, match="en → de 1.0: the download is a en → fr model"):
        call_command("translation", "install", "--from-index", "fr,de")
    assert nothing_left_behind(settings)


def test_a_download_that_is_not_a_zip_installs_nothing(index, packages, settings):
    index.publish_index([entry(index, "fr", packages["fr"]), entry(index, "de", b"<html>Not found</html>")])
    with pytest.raises(CommandError, match="en → de 1.0: the download is not a readable Argos package"):
        call_command("translation", "install", "--from-index", "fr,de")
    assert nothing_left_behind(settings)


def test_a_checksum_it_cannot_check_is_refused(index, packages, settings):
    index.publish_index([entry(index, "fr", packages["fr"], checksum="crc99:abc")])
    with pytest.raises(CommandError, match="checksum that cannot be checked"):
        call_command("translation", "install", "--from-index", "fr")
    assert nothing_left_behind(settings)


def test_a_language_missing_from_the_index_is_refused_before_any_download(index, packages, settings):
    index.publish_index([entry(index, "fr", packages["fr"])])
    with pytest.raises(CommandError, match="no model for en → de"):
        call_command("translation", "install", "--from-index", "fr,de")
    assert index.downloads() == [] and nothing_left_behind(settings)


def test_it_tries_the_next_link_when_one_fails(index, packages, settings):
    fr = entry(index, "fr", packages["fr"])
    fr["links"].insert(0, f"{index.url}/gone.argosmodel")
    index.publish_index([fr])
    call_command("translation", "install", "--from-index", "fr")
    assert models(settings) == [("en", "fr", "1.0")]
    assert index.downloads() == ["/gone.argosmodel", "/files/translate-en_fr-1.0.argosmodel"]


@pytest.mark.parametrize("body,message", [(b"<html>", "is not JSON"), (b'{"fr": 1}', "not a list of packages")])
def test_an_index_that_is_not_a_package_list_is_refused(index, settings, body, message):
    index.files["/index.json"] = body
    with pytest.raises(CommandError, match=message):
        call_command("translation", "install", "--from-index", "fr")


def test_the_index_is_fetched_through_the_safe_fetcher(index, packages, settings):
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = []  # loopback is not a public address
    index.publish_index([entry(index, "fr", packages["fr"])])
    with pytest.raises(CommandError, match="not a public address"):
        call_command("translation", "install", "--from-index", "fr")
    assert index.requests == []


def test_it_wants_a_file_or_the_index_not_both(index, tmp_path):
    with pytest.raises(CommandError, match="either a model file or --from-index"):
        call_command("translation", "install")
    with pytest.raises(CommandError, match="either a model file or --from-index"):
        call_command("translation", "install", str(tmp_path), "--from-index", "fr")


def test_an_unserved_language_is_refused(index):
    with pytest.raises(CommandError, match="Not a served language: xx"):
        call_command("translation", "install", "--from-index", "fr,xx")


def test_the_default_index_is_the_argos_projects():
    from django.conf import settings

    assert settings.CROSSPOST_MT_INDEX_URL.endswith("/argospm-index/main/index.json")

