"""Machine-facing federation URLs, outside the language prefixes."""

from django.urls import path, re_path

from federation import views
from ingest import views as ingest_views

app_name = "federation"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo_links"),
    re_path(r"^nodeinfo/(?P<version>2\.[01])$", views.nodeinfo, name="nodeinfo"),
    path("ap/inbox", views.inbox, name="shared_inbox"),
    path("ap/actors/<str:username>", views.actor, name="actor"),
    path("ap/actors/<str:username>/inbox", views.inbox, name="inbox"),
    path("ap/actors/<str:username>/outbox", views.outbox, name="outbox"),
    path("ap/actors/<str:username>/followers", views.followers, name="followers"),
    path("ap/actors/<str:username>/following", views.following, name="following"),
    path("ap/actors/<str:username>/activities/<str:ident>", views.activity_view, name="activity"),
    path("websub/hub", views.websub_hub, name="websub_hub"),
    # Our side as a WebSub subscriber of followed feeds (ingest/websub.py).
    path("websub/callback/<int:pk>", ingest_views.websub_callback, name="websub_callback"),
]
