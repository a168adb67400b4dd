from django import forms
from django.utils.translation import gettext_lazy as _

from crosspost.lib.email import AddressField
from newsletter.models import Newsletter, Subscription
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

    def __init__(self, *args, subscribed=(), frequencies: dict[int, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        # A private list the reader is on stays offered, so saving does not silently drop it.
        self.fields["lists"].queryset = Newsletter.objects.filter(
            pk__in=[*_offered().values_list("pk", flat=True), *[n.pk for n in subscribed]])
        # A weekly list's issue is its round-up already: it has no choice to make. Not required, so
        # a form without the choice (an older page) keeps the reader's frequency.
        self.frequency_lists = list(self.fields["lists"].queryset.exclude(schedule=Newsletter.Schedule.WEEKLY))
        for newsletter in self.frequency_lists:
            self.fields[f"frequency_{newsletter.pk}"] = forms.ChoiceField(
                label=_("How often"), choices=Subscription.Frequency.choices, required=False,
                initial=(frequencies or {}).get(newsletter.pk, Subscription.Frequency.EVERY), widget=forms.RadioSelect)

    def frequency_fields(self) -> list[tuple[Newsletter, forms.BoundField]]:
        return [(newsletter, self[f"frequency_{newsletter.pk}"]) for newsletter in self.frequency_lists]

    def frequencies(self) -> dict[int, str]:
        """The frequency chosen for each list that offers one (list id → "every" or "weekly")."""
        return {newsletter.pk: self.cleaned_data[f"frequency_{newsletter.pk}"] for newsletter in self.frequency_lists
                if self.cleaned_data.get(f"frequency_{newsletter.pk}")}
