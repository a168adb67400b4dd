from django.urls import path

from engagement import comments, contact, partner_feed, pixel, republication, sharing
from engagement.models import ContactMessage

app_name = "engagement"

urlpatterns = [
    path("r/<str:token>.gif", pixel.pixel_view, name="pixel"),
    path("feed/republish/", partner_feed.republish_feed, name="republish_feed"),
    path("feed/republish/<str:token>/", partner_feed.republish_feed, name="partner_feed"),
    path("share/mastodon/", sharing.share_mastodon, name="share_mastodon"),
    path("share/email/<int:article_id>/", sharing.share_email, name="share_email"),
    path("comments/<int:article_id>/", comments.comment_post, name="comment_post"),
    path("contact/", contact.contact, {"kind": ContactMessage.Kind.FEEDBACK}, name="contact_feedback"),
    path("contact/media/", contact.contact, {"kind": ContactMessage.Kind.MEDIA}, name="contact_media"),
    path("contact/permission/", republication.permission_request, name="permission_request_general"),
    path("contact/permission/<int:article_id>/", republication.permission_request, name="permission_request"),
]
