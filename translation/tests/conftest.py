"""A LibreTranslate-compatible server on loopback that 'translates' by tagging text nodes."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

_TAG = re.compile(r"(<[^>]+>)")


def fake_translate(fragment: str, target: str) -> str:
    """Prefix every text node with «target», leaving tags and attributes exactly as they were."""
    parts = _TAG.split(fragment)
    return "".join(p if p.startswith("<") or not p.strip() else f"«{target}» {p}" for p in parts)


class FakeLibreTranslate:
    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.fail_with: int | None = None
        self.targets = ["fr", "ar", "de"]
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _reply(self, status: int, body) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/languages":
                    self._reply(200, [{"code": "en", "name": "English", "targets": server.targets}])
                else:
                    self._reply(404, {"error": "not found"})

            def do_POST(self) -> None:
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.calls.append(payload)
                if server.fail_with:
                    self._reply(server.fail_with, {"error": "engine trouble"})
                    return
                texts = payload["q"] if isinstance(payload["q"], list) else [payload["q"]]
                assert payload["format"] == "html"
                self._reply(200, {"translatedText": [fake_translate(t, payload["target"]) for t in texts]})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def segments_sent(self) -> list[str]:
        return [text for call in self.calls for text in call["q"]]


@pytest.fixture
def libretranslate(settings):
    server = FakeLibreTranslate()
    settings.CROSSPOST_MT_BACKEND = "libretranslate"
    settings.CROSSPOST_MT_URL = server.url
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
