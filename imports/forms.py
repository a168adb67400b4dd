from __future__ import annotations

from django import forms

from imports.mapping import MappingError, SectionMap
from imports.models import ImportRun


class ImportForm(forms.Form):
    """An export file and the options of `crosspost import` that make sense from a browser."""

    source = forms.ChoiceField(choices=ImportRun.Source.choices, label="Export from")
    file = forms.FileField(help_text="WordPress: Tools → Export → All content (.xml). Ghost: Settings → "
                                     "Migration → Export content (.json).")
    maps = forms.CharField(
        label="Sections", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One rule a line, e.g. category:europe=region:europe, tag:*=theme:*, category:news=drop. "
                  "Without rules categories (and Ghost's primary tags) become themes and tags are dropped.")
    members_confirmed = forms.BooleanField(
        required=False, label="Ghost members opted in already: make them confirmed newsletter readers")
    send_confirmations = forms.BooleanField(
        required=False, label="Ghost members not confirmed: mail each a link to confirm their subscription")
    dry_run = forms.BooleanField(required=False, label="Dry run: report what would be imported, write nothing")

    def clean_maps(self) -> list[str]:
        rules = [line.strip() for line in self.cleaned_data["maps"].splitlines() if line.strip()]
        try:
            SectionMap(rules)
        except MappingError as exc:
            raise forms.ValidationError(str(exc)) from None
        return rules

    def clean(self) -> dict:
        cleaned = super().clean()
        upload, source = cleaned.get("file"), cleaned.get("source")
        if upload and source:
            wanted = ".xml" if source == ImportRun.Source.WORDPRESS else ".json"
            if not upload.name.lower().endswith(wanted):
                self.add_error("file", f"A {ImportRun.Source(source).label} export is a {wanted} file.")
        return cleaned
