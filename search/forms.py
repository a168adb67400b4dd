from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from newsroom.models import AuthorPage, RegionPage, ThemePage
from search.selectors import SearchFilters

MAX_AUTHOR_MATCHES = 50


def _sections(model):
    # Ids first: joined to the archive's pages for a title sort, SQLite (which keeps no table
    # statistics) scanned 100,000 pages to find a dozen regions.
    ids = list(model.objects.order_by().values_list("pk", flat=True))
    return model.objects.filter(pk__in=ids).live().public().order_by("title")


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
        self.fields["region"].queryset = _sections(RegionPage)
        self.fields["theme"].queryset = _sections(ThemePage)

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
