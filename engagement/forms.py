from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from crosspost.lib.email import AddressField
from engagement.models import ContactMessage, PermissionRequest
from engagement.services import MAX_LINKS, link_count, name_has_address

# A Mastodon instance: a host name (letters, digits, hyphens, dots), optionally with a port.
_HOST = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+(:\d{1,5})?$")


class NoLineBreaksMixin(forms.BaseForm):
    """Refuses CR or LF in single-line fields: they are how mail headers get injected."""

    single_line: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.single_line:
            raw = self.data.get(self.add_prefix(name), "")
            if isinstance(raw, str) and ("\r" in raw or "\n" in raw):
                self.add_error(name, _("Line breaks are not allowed here."))
        return cleaned


class HoneypotMixin(forms.BaseForm):
    """A field people never see; bots fill it in. `is_bot` says whether this submission did."""

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())


class ShareEmailForm(NoLineBreaksMixin, forms.Form):
    recipient = AddressField(label=_("Your friend's email"))
    sender_name = forms.CharField(label=_("Your name"), max_length=80)
    note = forms.CharField(label=_("A short note (optional)"), max_length=300, required=False)

    single_line = ("recipient", "sender_name", "note")

    def clean_sender_name(self) -> str:
        name = self.cleaned_data["sender_name"]
        if name_has_address(name):  # the mail shows it; "Your bank: verify at bank.example" is phishing
            raise forms.ValidationError(_("Web addresses are not allowed in your name."))
        return name

    def clean_note(self) -> str:
        note = self.cleaned_data["note"]
        if link_count(note):
            raise forms.ValidationError(_("Links are not allowed in the note; the article's link is included."))
        return note


class CommentForm(HoneypotMixin, NoLineBreaksMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    email = AddressField(label=_("Email (not shown)"))
    text = forms.CharField(label=_("Comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    website = forms.CharField(required=False, label=_("Leave this empty"))

    single_line = ("name", "email")

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if link_count(text) > MAX_LINKS:
            raise forms.ValidationError(_("A comment may contain at most %(n)d links.") % {"n": MAX_LINKS})
        return text


class PermissionRequestForm(HoneypotMixin, NoLineBreaksMixin, forms.ModelForm):
    website = forms.CharField(required=False, label=_("Leave this empty"))
    single_line = ("name", "email", "organisation")

    class Meta:
        model = PermissionRequest
        fields = ["name", "email", "organisation", "use", "message"]
        field_classes = {"email": AddressField}
        labels = {"use": _("How you would use it"), "message": _("Where and when you would publish it")}


class ContactForm(HoneypotMixin, NoLineBreaksMixin, forms.ModelForm):
    website = forms.CharField(required=False, label=_("Leave this empty"))
    single_line = ("name", "email", "organisation", "subject")

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "organisation", "subject", "message"]
        field_classes = {"email": AddressField}
        widgets = {"message": forms.Textarea(attrs={"rows": 8})}


class MastodonShareForm(forms.Form):
    instance = forms.CharField(label=_("Your Mastodon server"), max_length=260)
    article = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def clean_instance(self) -> str:
        value = self.cleaned_data["instance"].strip().lower()
        value = re.sub(r"^https?://", "", value).rstrip("/")
        if "@" in value:  # "@someone@mastodon.social" or "someone@mastodon.social"
            value = value.rsplit("@", 1)[1]
        if not _HOST.match(value):
            raise forms.ValidationError(_("Enter your server's name, like mastodon.social."))
        return value


class PermissionAnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")], widget=forms.RadioSelect)
    message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="Sent to the requester with the decision.")
