"""The licences under which an original source lets us repost, and what each allows.

A licence decides the default repost mode: without permission to republish in full we show an
excerpt and send readers to the original.
"""

from django.db import models


class Licence(models.TextChoices):
    COMMUNITY = "community", "Community sites may repost with source, copyright and link; commercial and print use must ask"
    ALL_RIGHTS_RESERVED = "all-rights-reserved", "All rights reserved (excerpt under fair use)"
    PERMISSION = "permission", "Full republication by permission"
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_ND = "cc-by-nd-4.0", "CC BY-ND 4.0"
    CC_BY_NC_ND = "cc-by-nc-nd-4.0", "CC BY-NC-ND 4.0"


class RepostMode(models.TextChoices):
    EXCERPT = "excerpt", "Excerpt (first paragraphs and a link to the original)"
    FULL = "full", "Full text (with permission)"


def default_repost_mode(licence: str) -> str:
    if licence == Licence.ALL_RIGHTS_RESERVED:
        return str(RepostMode.EXCERPT)
    return str(RepostMode.FULL)


class SearchPolicy(models.TextChoices):
    """What a repost tells search engines about itself (Google's guidance for syndicated copies)."""

    CANONICAL_ORIGINAL = "canonical-original", "Canonical to the original (search engines credit the original)"
    NOINDEX_NEWS = "noindex-news", "Keep out of news results (Googlebot-News noindex)"
    SELF = "self", "Our own URL (indexed as ours)"


# Licences whose terms ask republishers to point search engines at the original: the community
# licence ("repost with source, copyright and link") is the one newsrooms like ours share under.
LICENCES_ASKING_CANONICAL = {Licence.COMMUNITY}


def default_search_policy(licence: str, mode: str) -> str:
    """An excerpt stays indexable as ours; a full copy keeps out of news results unless its
    licence asks for a canonical link to the original."""
    if mode == RepostMode.EXCERPT:
        return str(SearchPolicy.SELF)
    if licence in LICENCES_ASKING_CANONICAL:
        return str(SearchPolicy.CANONICAL_ORIGINAL)
    return str(SearchPolicy.NOINDEX_NEWS)
