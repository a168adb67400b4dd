import pytest

from crosspost.lib.sanitize import clean_html, clean_text

XSS = [
    '<script>alert(1)</script><p>ok</p>',
    '<p onclick="alert(1)" onmouseover="x()">ok</p>',
    '<a href="javascript:alert(1)">ok</a>',
    '<a href="JaVaScRiPt:alert(1)">ok</a>',
    '<a href="  javascript:alert(1)">ok</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">ok</a>',
    '<a href="vbscript:msgbox(1)">ok</a>',
    '<img src=x onerror=alert(1)><p>ok</p>',
    '<svg onload=alert(1)><script>alert(1)</script></svg><p>ok</p>',
    '<iframe src="javascript:alert(1)"></iframe><p>ok</p>',
    '<style>body{background:url(javascript:alert(1))}</style><p>ok</p>',
    '<p style="background:url(javascript:alert(1))">ok</p>',
    '<form action="javascript:alert(1)"><button>ok</button></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


@pytest.mark.parametrize("payload", XSS)
def test_no_script_handler_or_javascript_url_survives(payload):
    cleaned = clean_html(payload).lower()
    assert "<script" not in cleaned
    assert "javascript:" not in cleaned and "vbscript:" not in cleaned and "data:" not in cleaned
    assert " on" not in cleaned.replace("noopener", "")
    assert "<img" not in cleaned and "<iframe" not in cleaned and "style" not in cleaned


def test_it_keeps_article_structure_and_marks_links_nofollow():
    html = (
        '<h2>Head</h2><p>Some <strong>bold</strong>, <em>italic</em> and a '
        '<a href="https://example.org/x" class="c">link</a>.</p><ul><li>one</li></ul>'
        "<ol><li>two</li></ol><blockquote><p>quote</p></blockquote><hr>"
    )
    cleaned = clean_html(html)
    assert '<a href="https://example.org/x" rel="noopener nofollow">link</a>' in cleaned
    for tag in ("<h2>", "<strong>", "<em>", "<ul>", "<ol>", "<blockquote>", "<hr>"):
        assert tag in cleaned
    assert "class" not in cleaned


def test_it_drops_unknown_tags_but_keeps_their_text():
    assert clean_html("<div><span>kept</span></div>") == "kept"


def test_clean_text_removes_every_tag():
    assert clean_text("<b>Bold</b> <script>alert(1)</script>title") == "Bold title"


def test_clean_text_gives_characters_not_entities():
    assert clean_text("Q&amp;A with AT&T <i>now</i>") == "Q&A with AT&T now"
