"""Blocks an article body is made of.

Rich text carries most of the text (ingested articles arrive as one clean HTML block per
paragraph group); the structured blocks exist for what editors lay out by hand.
"""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "ol", "ul", "blockquote", "hr"]


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "newsroom/blocks/quote.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False)
    credit = blocks.CharBlock(required=False)

    class Meta:
        icon = "image"
        template = "newsroom/blocks/figure.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    heading = blocks.CharBlock(form_classname="title", template="newsroom/blocks/heading.html")
    quote = QuoteBlock()
    figure = FigureBlock()
