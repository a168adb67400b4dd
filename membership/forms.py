from django import forms
from django.utils.translation import gettext_lazy as _

from crosspost.lib.email import AddressField


class CheckoutForm(forms.Form):
    tier = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    interval = forms.ChoiceField(choices=[("month", _("Monthly")), ("year", _("Yearly"))])
    email = AddressField(label=_("Email (optional)"), required=False)


class DonationForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount"), min_value=1, max_value=10_000)
    email = AddressField(label=_("Email (optional)"), required=False)


class LoginForm(forms.Form):
    email = AddressField(label=_("Your email"))
