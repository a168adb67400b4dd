"""Members' pages: the Become a Member page, checkout, sign-in by emailed link, the account,
and Stripe's webhook. Thin: the work is in services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Site

from crosspost.lib.client import client_address
from crosspost.lib.ratelimit import ratelimit_hit
from membership import services, webhooks
from membership.forms import CheckoutForm, DonationForm, LoginForm
from membership.models import Member, MembershipSettings, Tier, stripe_enabled
from newsletter.models import Subscriber, email_key
from newsletter.services import ConfirmationNotSent

SESSION_KEY = "membership_member_id"


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    config = MembershipSettings.for_site(Site.find_for_request(request) or Site.objects.get(is_default_site=True))
    context = {"tiers": Tier.objects.filter(active=True), "enabled": stripe_enabled(), "config": config,
               "donation_form": DonationForm(), "error": error}
    return render(request, "membership/index.html", context, status=status)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return _page(request, error=message, status=400)


@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _refused(request, "Please check the form.")
    if not ratelimit_hit(f"membership-checkout:{client_address(request)}", 20, 3600):
        return _refused(request, "Too many attempts; please try again later.")
    tier = Tier.objects.filter(pk=form.cleaned_data["tier"], active=True).first()
    if tier is None:
        return _refused(request, "That membership option is not available.")
    try:
        url = services.checkout_session_create(tier=tier, interval=form.cleaned_data["interval"],
                                               email=form.cleaned_data["email"])
    except services.MembershipError as exc:
        return _refused(request, str(exc))
    return HttpResponseRedirect(url, status=303)


@require_POST
def donate(request: HttpRequest) -> HttpResponse:
    form = DonationForm(request.POST)
    if not form.is_valid():
        return _refused(request, "Please choose an amount between 1 and 10,000.")
    if not ratelimit_hit(f"membership-donate:{client_address(request)}", 20, 3600):
        return _refused(request, "Too many attempts; please try again later.")
    config = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    try:
        url = services.donation_session_create(amount=form.cleaned_data["amount"], currency=config.donation_currency,
                                               email=form.cleaned_data["email"])
    except services.MembershipError as exc:
        return _refused(request, str(exc))
    return HttpResponseRedirect(url, status=303)


@require_GET
def success(request: HttpRequest) -> HttpResponse:
    return render(request, "membership/message.html", {"title": "Thank you", "text": (
        "Your payment went through. A receipt is on its way from Stripe; your membership shows up "
        "in your account within a minute.")})


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "membership/login.html", {"form": LoginForm()})
    form = LoginForm(request.POST)
    if not form.is_valid():
        return render(request, "membership/login.html", {"form": form}, status=400)
    ip = client_address(request)
    if ratelimit_hit(f"membership-login:{ip}", 10, 3600) and ratelimit_hit(
            f"membership-login:{form.cleaned_data['email'].lower()}", 5, 3600):
        try:
            services.member_login_link_send(email=form.cleaned_data["email"])
        except services.MembershipError as exc:
            return render(request, "membership/message.html", {"title": "Sign in", "text": str(exc)}, status=503)
    # The same answer whether or not the address is a member, so nobody can test addresses.
    return render(request, "membership/message.html", {"title": "Check your inbox", "text": (
        "If that address belongs to a member, a sign-in link is on its way. It works for 30 minutes.")})


@never_cache
@require_http_methods(["GET", "POST"])
def login_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":  # mail scanners follow links; only the button signs in
        member = services.member_from_login_token(token)
    else:
        member = services.member_login_claim(token=token)
    if member is None:
        return render(request, "membership/message.html", {"title": "This link has expired", "text": (
            "Sign-in links work once for 30 minutes. Ask for a new one on the sign-in page.")}, status=400)
    if request.method == "GET":
        return render(request, "membership/login_confirm.html", {"member": member})
    request.session.cycle_key()
    request.session[SESSION_KEY] = member.pk
    return redirect("membership:account")


def _signed_in(request: HttpRequest) -> Member | None:
    member_id = request.session.get(SESSION_KEY)
    return Member.objects.filter(pk=member_id).select_related("tier").first() if member_id else None


@never_cache
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    member = _signed_in(request)
    if member is None:
        return redirect("membership:login")
    subscriber = Subscriber.objects.filter(email_key=email_key(member.email)).first()
    # Addresses that bounced or complained are not asked again.
    offer = subscriber is None or subscriber.status in (Subscriber.Status.PENDING, Subscriber.Status.UNSUBSCRIBED)
    return render(request, "membership/account.html", {"member": member, "payments": member.payments.all()[:24],
                                                        "newsletter_offer": offer})


@require_POST
def newsletter(request: HttpRequest) -> HttpResponse:
    member = _signed_in(request)
    if member is None:
        return redirect("membership:login")
    if ratelimit_hit(f"membership-newsletter:{member.pk}", 3, 3600):
        try:
            services.member_newsletter_subscribe(member=member, language=request.LANGUAGE_CODE)
        except ValidationError:
            return render(request, "membership/message.html", {"title": "Newsletter", "text": (
                "This membership's address cannot receive the newsletter.")}, status=400)
        except ConfirmationNotSent:
            return render(request, "membership/message.html", {"title": "Newsletter", "text": (
                "We could not send the confirmation email just now. Please try again in a few minutes.")},
                status=503)
    return render(request, "membership/message.html", {"title": "Check your inbox", "text": (
        f"We sent a link to {member.email}: open it to confirm the newsletter.")})


@require_POST
def portal(request: HttpRequest) -> HttpResponse:
    member = _signed_in(request)
    if member is None:
        return redirect("membership:login")
    try:
        return HttpResponseRedirect(services.portal_session_create(member=member), status=303)
    except services.MembershipError as exc:
        return render(request, "membership/message.html", {"title": "Billing unavailable", "text": str(exc)},
                      status=503)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("membership:index")


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        outcome = webhooks.stripe_event_receive(payload=request.body,
                                                signature=request.headers.get("Stripe-Signature", ""))
    except webhooks.BadWebhook as exc:
        return HttpResponseBadRequest(f"rejected: {exc}", content_type="text/plain")
    return HttpResponse(outcome, content_type="text/plain")

