"""Short, language-free links in digests: /n/c/<token> (counted click), /n/o/<token>.gif (open)."""

from django.urls import path

from newsletter import views

app_name = "newsletter_tracking"

urlpatterns = [
    path("c/<str:token>", views.click, name="click"),
    path("o/<str:token>.gif", views.open_pixel, name="open"),
]
