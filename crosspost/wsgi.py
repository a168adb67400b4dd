import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")

django_application = get_wsgi_application()

from crosspost.pagecache import PageCacheMiddleware  # noqa: E402  (needs settings loaded)

application = PageCacheMiddleware(django_application)
