from django import forms
from django.utils.translation import gettext_lazy as _

from crosspost.lib.email import AddressField
from newsletter.rendering import language_choices


class SubscribeForm(forms.Form):
    email = AddressField(label=_("Email"))
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
