from __future__ import annotations

from django import forms

from newsroom.licences import RepostMode


class RepostForm(forms.Form):
    """An original's URL, or the page an editor saved by hand plus where it was published."""

    url = forms.URLField(label="Original URL", required=False, max_length=1000, assume_scheme="https")
    html = forms.CharField(
        label="…or paste the page's HTML", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="For pages you saved by hand (paywalled, or not reachable from the server).",
    )
    source_url = forms.URLField(
        label="Where the pasted page was published", required=False, max_length=1000, assume_scheme="https"
    )
    mode = forms.ChoiceField(
        choices=[("", "As the publication's licence allows")] + list(RepostMode.choices), required=False
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("html"):
            if not cleaned.get("source_url"):
                self.add_error("source_url", "Say where the pasted page was published.")
        elif not cleaned.get("url"):
            raise forms.ValidationError("Give the original's URL, or paste its HTML.")
        return cleaned
