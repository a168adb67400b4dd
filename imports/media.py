"""Images of an export → Wagtail images: from a local copy of the uploads, or fetched safely.

`--media DIR` points at a copy of `wp-content/uploads` (or Ghost's `content/images`): an URL's
path after that folder is looked up under DIR. Otherwise the image is fetched through
crosspost/lib/safe_fetch. An image that cannot be had is listed in the report and the body keeps a
link to it; it never fails the import. Each image is fetched once per site, whatever number of
posts show it, and never again on a re-run (it is an ImportedObject keyed on its URL).
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from crosspost.lib import safe_fetch
from imports.models import ImportedObject

logger = logging.getLogger(__name__)

_UPLOAD_ROOTS = re.compile(r"/(wp-content/uploads|content/images|files)/(.+)$")
# After this many failures on one host in a run, its other images are listed as missing at once:
# an archive on a dead domain must not cost one timeout per picture.
_HOST_FAILURES = 3


@dataclass
class MediaResolver:
    source: str
    site: str
    media_dir: Path | None = None
    dry_run: bool = False
    missing: list[str] = field(default_factory=list)
    created: int = 0
    _seen: dict[str, int | None] = field(default_factory=dict)
    _host_failures: Counter = field(default_factory=Counter)

    @staticmethod
    def key(url: str) -> str:
        """The original's address: resizing queries (`?w=604`) and fragments dropped."""
        parts = urlsplit(url.strip())
        return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else parts.path

    def image(self, url: str, *, title: str = ""):
        """The Wagtail image for `url`, or None when it could not be had (listed in `missing`)."""
        key = self.key(url)
        if not key:
            return None
        if key in self._seen:
            image_id = self._seen[key]
            return get_image_model().objects.filter(pk=image_id).first() if image_id else None
        known = ImportedObject.objects.filter(source=self.source, site=self.site, kind="media", source_id=key[:300]).first()
        image = get_image_model().objects.filter(pk=known.target_id).first() if known else None
        if image is None:
            image = self._load(key, url, title)
        self._seen[key] = image.pk if image else None
        if image is None:
            self.missing.append(key)
        return image

    def _load(self, key: str, url: str, title: str):
        content = self._local(key)
        if content is None and not self.dry_run:
            content = self._fetch(key)
        if content is None:
            return None
        try:
            with PILImage.open(io.BytesIO(content)) as probe:
                probe.verify()
                kind = (probe.format or "jpeg").lower()
        except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
            logger.info("not an image: %s", key)
            return None
        if self.dry_run:
            return None
        stem = Path(unquote(urlsplit(key).path)).stem[:60] or "image"
        image = get_image_model()(title=(title or stem)[:255], file=ImageFile(io.BytesIO(content), name=f"{stem}.{kind}"))
        image.save()
        ImportedObject.objects.update_or_create(source=self.source, site=self.site, kind="media",
                                                source_id=key[:300], defaults={"target_id": image.pk})
        self.created += 1
        return image

    def _local(self, key: str) -> bytes | None:
        path = unquote(urlsplit(key).path)
        match = _UPLOAD_ROOTS.search(path)
        candidates = [match.group(2)] if match else []
        candidates.append(path.lstrip("/"))
        if self.media_dir is None:
            return None
        root = self.media_dir.resolve()
        for relative in candidates:
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate.read_bytes()
        return None

    def _fetch(self, key: str) -> bytes | None:
        host = urlsplit(key).hostname or ""
        if not host or self._host_failures[host] >= _HOST_FAILURES:
            return None
        try:
            return safe_fetch.fetch(key, accept=safe_fetch.IMAGE_TYPES).content
        except (safe_fetch.FetchError, ValueError) as exc:
            logger.info("image not fetched: %s (%s)", key, exc)
            if not isinstance(exc, safe_fetch.HTTPStatusError):
                self._host_failures[host] += 1
            return None
