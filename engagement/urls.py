from django.urls import path

from engagement import views
from engagement.models import ContactMessage

app_name = "engagement"

urlpatterns = [
    path("r/<str:token>.gif", views.pixel_view, name="pixel"),
    path("feed/republish/", views.republish_feed, name="republish_feed"),
    path("feed/republish/<str:token>/", views.republish_feed, name="partner_feed"),
    path("share/mastodon/", views.share_mastodon, name="share_mastodon"),
    path("share/email/<int:article_id>/", views.share_email, name="share_email"),
    path("comments/<int:article_id>/", views.comment_post, name="comment_post"),
    path("contact/", views.contact, {"kind": ContactMessage.Kind.FEEDBACK}, name="contact_feedback"),
    path("contact/media/", views.contact, {"kind": ContactMessage.Kind.MEDIA}, name="contact_media"),
    path("contact/permission/", views.permission_request, name="permission_request_general"),
    path("contact/permission/<int:article_id>/", views.permission_request, name="permission_request"),
]
