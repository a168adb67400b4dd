from django.dispatch import Signal

# Sent with `page` and `language` when stored translations of a page change, so caches of the
# page in that language can be dropped.
page_translation_changed = Signal()
