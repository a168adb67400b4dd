"""Who may change what readers read in other languages."""

PUBLISH_TRANSLATION = "translation.publish_translation"
