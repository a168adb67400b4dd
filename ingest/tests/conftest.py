"""Pages served on loopback by the tests themselves, and settings that let fetching reach them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "corpus"


@dataclass
class Reply:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Route = Reply | Callable[[BaseHTTPRequestHandler], Reply]


class WebServer:
    """A threaded HTTP server; `server.route("/path", Reply(...))` or a function of the request."""

    def __init__(self, host: str) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.posted: list[tuple[str, dict[str, str], bytes]] = []
        routes, requests, posted = self.routes, self.requests, self.posted

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                posted.append((self.path, dict(self.headers), self.rfile.read(length)))
                self.do_GET()

            def do_GET(self) -> None:  # noqa: N802
                requests.append((self.path, dict(self.headers)))
                route = routes.get(self.path) or routes.get(self.path.split("?")[0])
                if route is None:
                    reply = Reply("not found", status=404, content_type="text/plain")
                else:
                    reply = route(self) if callable(route) else route
                if reply is None:  # the route wrote its own response
                    return
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, reply: Route) -> str:
        self.routes[path] = reply
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def make_server() -> Iterator[Callable[[str], WebServer]]:
    servers: list[WebServer] = []

    def make(host: str = "127.0.0.1") -> WebServer:
        servers.append(WebServer(host))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def fetch_settings(settings, tmp_path):
    """Small limits so hostile pages fail fast; uploads go to a temporary folder."""
    settings.CROSSPOST_FETCH_TIMEOUT = 2
    settings.CROSSPOST_FETCH_MAX_BYTES = 512 * 1024
    settings.CROSSPOST_FETCH_MAX_REDIRECTS = 3
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = []
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.fixture
def web(make_server, fetch_settings) -> WebServer:
    """A server on 127.0.0.1 that fetching is allowed to reach."""
    fetch_settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.1"]
    return make_server("127.0.0.1")


def corpus_page(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Harbour Ledger</title>
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="The Harbour Ledger">
<meta property="og:description" content="A short dek about the story.">
{image}
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{title}",
  "datePublished": "2024-05-02T08:00:00+02:00",
  "author": [{{"@type": "Person", "name": "Ada Reporter"}}, {{"@type": "Person", "name": "Ben Writer"}}],
  "publisher": {{"@type": "Organization", "name": "The Harbour Ledger"}}}}
</script></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>{title}</h1>
<p class="byline">By Ada Reporter and Ben Writer</p>
{paragraphs}
<aside class="related"><h3>Related</h3><ul><li><a href="/other">Another story</a></li></ul></aside>
<div class="newsletter-signup"><p>Sign up for our morning newsletter.</p></div>
</article>
<section id="comments"><p>First comment! Great article.</p></section>
<footer><p>Copyright The Harbour Ledger. All rights reserved.</p></footer>
</body></html>
"""

PARAGRAPHS = [
    "The harbour authority approved a plan on Thursday to dredge the northern channel, "
    "ending a dispute with fishing cooperatives that had lasted almost four years.",
    "Under the agreement the work will be done in winter, when fewer boats use the channel, "
    "and the cooperatives will be paid for each week their members cannot reach the quay.",
    "Environmental groups said the plan still lacked a study of the seagrass beds near the "
    "breakwater, and promised to ask the regional court to suspend it.",
    "The authority's director said the study would be published before the first dredger "
    "arrives, and that the plan could be changed if it found lasting harm.",
    "Shipping companies welcomed the decision, saying deeper water would let larger vessels "
    "dock at the container terminal without waiting for high tide.",
]


def article_html(
    title: str = "Harbour to dredge northern channel",
    *,
    canonical: str = "https://ledger.example.org/2024/05/dredging",
    paragraphs: list[str] | None = None,
    image: str = "",
) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in (paragraphs or PARAGRAPHS))
    image_meta = f'<meta property="og:image" content="{image}">' if image else ""
    return ARTICLE.format(title=title, canonical=canonical, paragraphs=body, image=image_meta)
