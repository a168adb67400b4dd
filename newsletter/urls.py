from django.urls import path
from django.views.generic import RedirectView

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    # Readers type /newsletter/ to sign up.
    path("", RedirectView.as_view(pattern_name="newsletter:subscribe"), name="home"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("webhook/bounce/", views.bounce_webhook, name="bounce_webhook"),
]
