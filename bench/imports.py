"""How long a large WordPress import takes, and how much memory it holds.

    .venv/bin/python bench/imports.py --posts 20000 --comments 100000 [--database-url postgres://…/cp_bench]

Generates a WXR file of N posts (with categories, tags, shortcodes, block markup and threaded
comments), migrates a scratch database, imports the file with `crosspost import wordpress` in a
child process and prints the wall time, posts/s and the child's peak RSS. Streaming (iterparse)
should keep the peak flat whatever N is: run it at two sizes to see.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://bench.example</link><language>en-US</language>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://bench.example</wp:base_blog_url>
"""
WORDS = ("harbour council river drought ferry census budget port energy school court market election "
         "water strike bridge farm coast forest").split()


def write_wxr(path: Path, posts: int, comments: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    per_post = comments / max(posts, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(20):
            out.write(f"<wp:author><wp:author_login>writer{n}</wp:author_login>"
                      f"<wp:author_display_name><![CDATA[Writer {n}]]></wp:author_display_name></wp:author>\n")
        for n in range(12):
            out.write(f"<wp:category><wp:category_nicename>cat{n}</wp:category_nicename>"
                      f"<wp:cat_name><![CDATA[Category {n}]]></wp:cat_name></wp:category>\n")
        comment_id = 0
        for post in range(1, posts + 1):
            title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
            paragraphs = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(40)) for _ in range(rng.randint(3, 8)))
            body = (f"<!-- wp:paragraph --><p>{title}.</p><!-- /wp:paragraph -->\n\n{paragraphs}\n\n"
                    f"[caption]<img src=\"https://bench.invalid/wp-content/uploads/{post}.jpg\"> A caption[/caption]")
            year, month = 2005 + post % 20, 1 + post % 12
            out.write(f"<item><title>{escape(title)}</title>"
                      f"<link>https://bench.example/{year}/{month:02d}/post-{post}/</link>"
                      f"<dc:creator>writer{post % 20}</dc:creator>"
                      f"<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                      f"<wp:post_id>{post}</wp:post_id><wp:post_date_gmt>{year}-{month:02d}-03 10:00:00</wp:post_date_gmt>"
                      f"<wp:post_name>post-{post}</wp:post_name><wp:status>publish</wp:status>"
                      f"<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>"
                      f"<category domain=\"category\" nicename=\"cat{post % 12}\"><![CDATA[Category {post % 12}]]></category>"
                      f"<category domain=\"post_tag\" nicename=\"tag{post % 50}\"><![CDATA[tag {post % 50}]]></category>\n")
            wanted = int(per_post * post) - int(per_post * (post - 1))
            first = comment_id + 1
            for c in range(wanted):
                comment_id += 1
                parent = first if c and rng.random() < 0.4 else 0
                out.write(f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                          f"<wp:comment_author><![CDATA[Reader {comment_id % 500}]]></wp:comment_author>"
                          f"<wp:comment_author_email>r{comment_id % 500}@example.org</wp:comment_author_email>"
                          f"<wp:comment_date_gmt>{year}-{month:02d}-04 10:00:00</wp:comment_date_gmt>"
                          f"<wp:comment_content><![CDATA[{' '.join(rng.choice(WORDS) for _ in range(20))}]]></wp:comment_content>"
                          f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
                          f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>")
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=10000)
    parser.add_argument("--database-url", default="", help="a scratch PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crosspost-import-bench-") as scratch:
        work = Path(scratch)
        export = work / "export.xml"
        write_wxr(export, args.posts, args.comments)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crosspost.settings", "CROSSPOST_VAR_DIR": str(work / "var"),
               "DATABASE_URL": args.database_url or f"sqlite:///{work / 'bench.sqlite3'}", "PYTHONPATH": str(ROOT),
               "PAGECACHE_ENABLED": "false"}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, "shell", "-c", "from newsroom.services import site_ensure_structure as s; s()"],
                       env=env, check=True)
        started = time.monotonic()
        subprocess.run([*manage, "import", "wordpress", str(export), "--json"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        elapsed = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{args.posts} posts, {args.comments} comments, {export.stat().st_size / 1e6:.1f} MB of WXR: "
              f"{elapsed:.1f} s ({args.posts / elapsed:.1f} posts/s), peak RSS of the largest child {peak:.0f} MiB")


if __name__ == "__main__":
    main()
