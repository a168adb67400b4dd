"""A real Crosspost, as `make run` serves it, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crosspost.lib.localnet import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
CROSSPOST = str(ROOT / ".venv" / "bin" / "crosspost")
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE = ROOT / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

ORIGINAL_ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>Tide gauges go dark | The Coast Courier</title>
<meta property="og:site_name" content="The Coast Courier"><meta property="og:title" content="Tide gauges go dark">
<meta name="author" content="Mara Lindqvist"><meta property="article:published_time" content="2026-11-20T08:00:00Z">
<meta name="description" content="Budget cuts silence half the harbour sensors."></head>
<body><nav>Home | World | Sport</nav><article><h1>Tide gauges go dark</h1><p class="byline">By Mara Lindqvist</p>
<p>Half of the harbour's tide gauges stopped reporting this week after the maintenance contract lapsed, leaving
pilots to guide ships by tables printed a decade ago.</p>
<p>Harbour officials said the sensors would be back within a month, but engineers warned that salt damage had
already ruined several of the older units beyond repair.</p>
<p>Shipping companies have asked for an emergency budget line, arguing that a single grounding would cost more
than ten years of maintenance.</p></article><footer>Subscribe to our newsletter</footer></body></html>"""


@pytest.fixture(scope="session")
def original_site():
    """An outlet on loopback whose article an editor reposts."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            body = ORIGINAL_ARTICLE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/2026/11/tide-gauges"
    httpd.shutdown()


@pytest.fixture(scope="session")
def site():
    """Migrate, load the demo and serve it exactly as `make run` does, in a scratch directory."""
    var = Path(tempfile.mkdtemp(prefix="crosspost-e2e-"))
    port = free_port()
    env = {**os.environ, "CROSSPOST_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var}/db.sqlite3",
           "SITE_URL": f"http://127.0.0.1:{port}", "CROSSPOST_INGEST_ALLOW_HOSTS": "127.0.0.1",
           "PAGECACHE_LOCAL_SECONDS": "0"}
    env.pop("REDIS_URL", None)
    subprocess.run([CROSSPOST, "migrate", "-v0"], env=env, check=True)
    subprocess.run([CROSSPOST, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    demo = subprocess.run([CROSSPOST, "demo"], env=env, check=True, capture_output=True, text=True).stdout
    password = re.search(r"password: (\S+)", demo).group(1)
    server = subprocess.Popen([CROSSPOST, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        yield {"base": base, "password": password, "var": var, "env": env}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:  # a worker in the middle of a long job
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(var, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Watched:
    """A page that records console errors and uncaught exceptions."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def open_page(browser, site):
    """Open pages in fresh contexts (phone, no JavaScript...); every one must end without console errors."""
    opened: list[tuple[object, Watched]] = []

    def open_(**options) -> Watched:
        options = {"base_url": site["base"], "viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(**options)
        if options.get("java_script_enabled", True):
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site["base"])
        watched = Watched(context.new_page())
        opened.append((context, watched))
        return watched

    yield open_
    for context, _ in opened:
        context.close()
    errors = [error for _, watched in opened for error in watched.errors]
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def page(open_page):
    return open_page()


def require(locator, feature: str, missing: str):
    """The locator, after failing with a message that names the feature when it is not on the page."""
    assert locator.count() > 0, f"{feature} is missing: {missing}"
    return locator


def screenshot(page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def newest_mail(var: Path, contains: str) -> str:
    files = sorted((var / "mail").glob("*.log"), key=lambda p: p.stat().st_mtime)
    for path in reversed(files):
        text = path.read_text(errors="replace")
        if contains in text:
            return text
    raise AssertionError(f"no mail containing {contains!r}")


def pytest_collection_modifyitems(items) -> None:
    # The editor publishes a new story: run it last, so readers' pages and screenshots show the demo.
    items.sort(key=lambda item: item.path.name == "test_editor.py")
