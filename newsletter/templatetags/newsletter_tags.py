from django import template

from newsletter.rendering import language_choices

register = template.Library()


@register.simple_tag
def newsletter_languages() -> list[tuple[str, str]]:
    return language_choices()
