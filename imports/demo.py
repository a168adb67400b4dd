"""Demo: the Delta Courier, a small WordPress.com-shaped export, imported as a newsroom moving in.

After `crosspost demo`, its old addresses answer with a 301 to their new pages, e.g.
/2026/10/02/dredging-the-northern-channel/ and /?p=101. Safe to run twice (imports are).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw

from imports.services import wordpress_import

SAMPLE = Path(__file__).with_name("samples") / "delta-courier.xml"
DEMO_MAPS = ("category:europe=region:europe", "category:water=theme:climate")
OLD_URLS = ("/2026/10/02/dredging-the-northern-channel/", "/?p=101", "/author/mira/", "/category/water/")


def _uploads(root: Path) -> None:
    """The export's two pictures, drawn here (a copy of wp-content/uploads, as --media takes)."""
    for name, colours in (("channel.png", ("#1d3557", "#a8dadc")), ("board.png", ("#6b705c", "#ffe8d6"))):
        image = PILImage.new("RGB", (960, 540), colours[0])
        draw = ImageDraw.Draw(image)
        for band in range(6):
            draw.rectangle([0, 300 + band * 40, 960, 320 + band * 40], fill=colours[1])
        path = root / "2026" / "10" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path)


def imports_demo_load() -> dict:
    with tempfile.TemporaryDirectory() as media, SAMPLE.open("rb") as file:
        _uploads(Path(media))
        return wordpress_import(file=file, media_dir=Path(media), maps=DEMO_MAPS).as_dict()
