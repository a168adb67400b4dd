import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")

django_application = get_wsgi_application()

from audience.wsgi import BeaconMiddleware  # noqa: E402
from crosspost.pagecache import PageCacheMiddleware  # noqa: E402  (needs settings loaded)

# The view beacon is answered before the page cache and Django (audience/wsgi.py).
application = BeaconMiddleware(PageCacheMiddleware(django_application))

# Everything loaded so far (Django, Wagtail, the models, and the URL conf with the views it
# imports, loaded here rather than by the first request) lives as long as the process. Moved out
# of the collector's reach, it is no longer re-scanned by every full collection: a sitemap page's
# 1,000 page objects used to set one off in one render out of ten, tripling p95.
_ = get_resolver().url_patterns  # evaluated for its side effect: the resolver is built now
gc.freeze()
