from django import template
from django.conf import settings
from django.template.base import Variable
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation
from django.utils.html import format_html

from translation.selectors import Alternates, page_alternates, text_direction

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> Alternates:
    """The languages this page really exists in, for hreflang, the switcher and robots."""
    from crosspost.templatetags.rendercache import rendercache_value

    page = context.get("page")
    language = translation.get_language() or settings.LANGUAGE_CODE
    # Worked out once per page version and language: a stored translation purges the page.
    return rendercache_value(context, "alternates", lambda: page_alternates(getattr(page, "specific", page), language))


@register.simple_tag
def original_language_attrs(tr, slot: str) -> str:
    """` lang="en" dir="ltr"` on an element whose text `tr` still shows in the original language."""
    if tr is None or slot not in getattr(tr, "untranslated", ()):
        return ""
    return format_html(' lang="{}" dir="{}"', tr.source_language, text_direction(tr.source_language))


@register.filter
def direction(language: str) -> str:
    return text_direction(language or settings.LANGUAGE_CODE)


class InterfaceStringNode(template.Node):
    """Renders its {% translate %} / {% blocktranslate %} as is, or, where the active language's
    catalogue has no wording for it yet, inside `<span lang="en" dir="ltr">`: English fallen back
    to on an Arabic page must read left to right, like an untranslated paragraph."""

    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist
        self.messages = nodelist.get_nodes_by_type(TranslateNode) + nodelist.get_nodes_by_type(BlockTranslateNode)
        if not self.messages:
            raise template.TemplateSyntaxError("{% uistring %} wraps a {% translate %} or {% blocktranslate %}")

    def render(self, context) -> str:
        output = self.nodelist.render(context)
        if all(_worded(node, context) for node in self.messages):
            return output
        source = settings.LANGUAGE_CODE
        return format_html('<span lang="{}" dir="{}">{}</span>', source, text_direction(source), output)


def _worded(node: TranslateNode | BlockTranslateNode, context) -> bool:
    from translation.ui import ui_has_wording

    message_context = node.message_context.resolve(context) if node.message_context else None
    if isinstance(node, BlockTranslateNode):
        msgid, _ = node.render_token_list(node.singular)
        return ui_has_wording(msgid, context=message_context, plural=bool(node.plural and node.countervar))
    variable = node.filter_expression.var
    if not isinstance(variable, Variable) or variable.literal is None:
        return True  # a message held in a variable: not known here, so left unmarked
    return ui_has_wording(variable.literal, context=message_context)


@register.tag
def uistring(parser, token) -> InterfaceStringNode:
    """`{% uistring %}{% translate "Search" %}{% enduistring %}` around an interface string shown
    as text (an attribute such as aria-label cannot carry its own lang, so it is left as it is)."""
    nodelist = parser.parse(("enduistring",))
    parser.delete_first_token()
    return InterfaceStringNode(nodelist)
