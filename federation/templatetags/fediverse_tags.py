from django import template

from federation import documents

register = template.Library()


@register.inclusion_tag("federation/follow.html")
def fediverse_follow(author) -> dict:
    """'Follow on the fediverse: @slug@host' with a copy button, for an author page."""
    from federation.services import author_username

    return {"handle": f"@{author_username(author)}@{documents.site_host()}", "author_id": author.pk}
