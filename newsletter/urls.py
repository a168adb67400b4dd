from django.urls import path
from django.views.generic import RedirectView

from newsletter import feeds, views

app_name = "newsletter"

urlpatterns = [
    # Readers type /newsletter/ to sign up.
    path("", RedirectView.as_view(pattern_name="newsletter:subscribe"), name="home"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<slug:slug>/", views.archive_list, name="archive_list"),
    path("archive/<slug:slug>/feed/", feeds.ArchiveFeed(), name="archive_feed"),
    path("archive/<slug:slug>/<str:date>/", views.archive_digest, name="archive_digest"),
    path("webhook/bounce/", views.bounce_webhook, name="bounce_webhook"),
]
