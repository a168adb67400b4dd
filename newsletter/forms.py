from django import forms
from django.utils.translation import gettext_lazy as _

from crosspost.lib.email import AddressField
from newsletter.models import Newsletter
from newsletter.rendering import language_choices


class _ListsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Newsletter) -> str:
        return obj.name


def _offered():
    return Newsletter.objects.filter(public=True)


class SubscribeForm(forms.Form):
    email = AddressField(label=_("Email"))
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    # Optional: the short form on every (cached) page has no choice and joins the default list.
    lists = _ListsField(label=_("Newsletters"), queryset=Newsletter.objects.none(), required=False,
                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        self.fields["lists"].queryset = _offered()


class PreferencesForm(forms.Form):
    lists = _ListsField(label=_("Newsletters"), queryset=Newsletter.objects.none(), required=False,
                        widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, subscribed=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        # A private list the reader is on stays offered, so saving does not silently drop it.
        self.fields["lists"].queryset = Newsletter.objects.filter(
            pk__in=[*_offered().values_list("pk", flat=True), *[n.pk for n in subscribed]])
