"""The site's URLs plus two anonymous views, one that opts in to the page cache and one that does not."""

from django.http import HttpResponse
from django.urls import path

from crosspost.pagecache import cacheable
from crosspost.urls import urlpatterns as site_urlpatterns


def fresh(request):
    return HttpResponse("<p>rendered for you</p>", content_type="text/html")


urlpatterns = [
    path("fresh/", fresh),
    path("kept/", cacheable(fresh)),
    *site_urlpatterns,
]
