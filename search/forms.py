from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from newsroom.models import AuthorPage, RegionPage, ThemePage
from search.selectors import SearchFilters

MAX_AUTHOR_MATCHES = 50


class SearchFilterForm(forms.Form):
    """The filters under the search box; a field with a bad value is ignored, never an error page."""

    region = forms.ModelChoiceField(RegionPage.objects.none(), required=False, empty_label=_("Any region"),
                                    label=_("Region"))
    theme = forms.ModelChoiceField(ThemePage.objects.none(), required=False, empty_label=_("Any theme"),
                                   label=_("Theme"))
    author = forms.CharField(required=False, max_length=100, label=_("Author"))
    date_from = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = RegionPage.objects.live().public().order_by("title")
        self.fields["theme"].queryset = ThemePage.objects.live().public().order_by("title")

    def filters(self) -> SearchFilters:
        self.is_valid()
        data = self.cleaned_data
        author_ids = None
        if data.get("author", "").strip():
            author_ids = tuple(AuthorPage.objects.live().filter(title__icontains=data["author"].strip())
                               .values_list("pk", flat=True)[:MAX_AUTHOR_MATCHES])
        return SearchFilters(
            region_id=data["region"].pk if data.get("region") else None,
            theme_id=data["theme"].pk if data.get("theme") else None,
            author_ids=author_ids,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
