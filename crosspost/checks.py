"""Crosspost's own system checks, run by `crosspost check` (and `--deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    problems = []
    parts = urlsplit(settings.SITE_URL)
    if settings.PRODUCTION and parts.scheme != "https":
        problems.append(Warning("SITE_URL should be an https:// address in production", id="crosspost.W001"))
    if parts.hostname and settings.ALLOWED_HOSTS and parts.hostname not in settings.ALLOWED_HOSTS \
            and "*" not in settings.ALLOWED_HOSTS:
        problems.append(Warning(f"SITE_URL's host {parts.hostname} is not in ALLOWED_HOSTS", id="crosspost.W002"))
    return problems


@register(deploy=True)
def check_mail(app_configs, **kwargs):
    if settings.PRODUCTION and not settings.EMAIL_HOST:
        return [Warning("EMAIL_HOST is not set: mail is written to files under var/mail and reaches nobody",
                        hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).",
                        id="crosspost.W003")]
    return []


# Backends whose entries live in one process's memory: each web worker sees its own.
_PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PRODUCTION and backend in _PER_PROCESS_CACHES:
        return [Warning(
            "The default cache is kept in each web process's memory: counters, cached lookups and "
            "purges are not shared between processes or machines",
            hint="Set REDIS_URL (deploy/docker-compose.yml runs Redis). Rate limits are kept in the database "
                 "without it, which holds for one machine.",
            id="crosspost.W004")]
    return []
