from django import forms
from django.utils.translation import gettext_lazy as _


class CheckoutForm(forms.Form):
    tier = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    interval = forms.ChoiceField(choices=[("month", _("Monthly")), ("year", _("Yearly"))])
    email = forms.EmailField(label=_("Email (optional)"), required=False, max_length=254)


class DonationForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount"), min_value=1, max_value=10_000)
    email = forms.EmailField(label=_("Email (optional)"), required=False, max_length=254)


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)
