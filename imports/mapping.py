"""Which section a category or tag becomes: the editor's `--map` rules over sensible defaults.

A rule is `SOURCE=TARGET`: SOURCE is `category:SLUG` or `tag:SLUG` (`*` for any), TARGET is
`region:SLUG`, `theme:SLUG`, `dossier:SLUG` (`*` or no slug keeps the source's slug) or `drop`.
Without rules, categories become themes (WordPress's "Uncategorized" is dropped) and tags are
dropped: Crosspost has no free tags, and a thousand one-post tags make poor sections.
"""

from __future__ import annotations

from imports.writer import SECTION_MODELS, SectionInfo

DEFAULT_RULES = ("category:uncategorized=drop", "category:*=theme:*", "tag:*=drop")
_SOURCES = ("category", "tag")


class MappingError(ValueError):
    """A --map rule that cannot be understood; str() names it."""


class SectionMap:
    def __init__(self, rules: list[str] | tuple[str, ...] = (), *, defaults: tuple[str, ...] = DEFAULT_RULES) -> None:
        self.rules: dict[tuple[str, str], tuple[str, str] | None] = {}
        for rule in list(defaults) + list(rules):
            source, target = self._parse(rule)
            self.rules[source] = target

    @staticmethod
    def _parse(rule: str) -> tuple[tuple[str, str], tuple[str, str] | None]:
        left, sep, right = rule.strip().partition("=")
        taxonomy, _, slug = left.strip().partition(":")
        if not sep or taxonomy not in _SOURCES or not slug.strip():
            raise MappingError(f"--map {rule!r}: expected category:SLUG=KIND:SLUG or tag:SLUG=drop")
        right = right.strip()
        if right == "drop":
            return (taxonomy, slug.strip()), None
        kind, _, target_slug = right.partition(":")
        if kind not in SECTION_MODELS:
            raise MappingError(f"--map {rule!r}: the target must be region, theme, dossier or drop")
        return (taxonomy, slug.strip()), (kind, target_slug.strip() or "*")

    def resolve(self, taxonomy: str, slug: str, name: str, description: str = "") -> SectionInfo | None:
        """The section for a term, or None when it is dropped."""
        key = (taxonomy, slug) if (taxonomy, slug) in self.rules else (taxonomy, "*")
        target = self.rules.get(key)
        if target is None:
            return None
        kind, target_slug = target
        explicit = target_slug != "*"
        if explicit:  # several terms may land in one section: it is named after itself
            return SectionInfo(kind=kind, slug=target_slug, title=target_slug.replace("-", " ").title())
        return SectionInfo(kind=kind, slug=slug, title=name or slug, description=description)
