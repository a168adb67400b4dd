"""Crosspost settings. Every value comes from the environment; see the README's table.

`CROSSPOST_ENV=development` (the default) runs with nothing configured: SQLite under var/, mail
written to files, a generated secret. `CROSSPOST_ENV=production` demands real secrets and
switches on the security settings.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from crosspost.lib.client import parse_networks
from crosspost.lib.env import envbool, envfloat, envint, envlist, envstr, envweekday

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("CROSSPOST_VAR_DIR", str(BASE_DIR / "var")))

CROSSPOST_ENV = envstr("CROSSPOST_ENV", "development")
if CROSSPOST_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"CROSSPOST_ENV must be development, production or test, got {CROSSPOST_ENV!r}"
    )
PRODUCTION = CROSSPOST_ENV == "production"

# DEBUG is off unless asked for, so `make run` shows the same styled error pages readers see.
DEBUG = envbool("DEBUG", False)

SECRET_KEY = envstr("SECRET_KEY")
if PRODUCTION:
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of at least 50 characters in production"
        )
elif not SECRET_KEY:
    # A development secret that survives restarts, so sessions and signed links keep working.
    _key_file = VAR_DIR / "secret_key"
    try:
        SECRET_KEY = _key_file.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = secrets.token_urlsafe(50)
        _key_file.write_text(SECRET_KEY)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production")

# The public base URL for canonical links, feeds and mails; in production it defaults to https on
# the first allowed host.
_default_site_url = (f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if PRODUCTION
                     else f"http://{envstr('HOST', '127.0.0.1')}:{envint('PORT', 8000)}")
SITE_URL = envstr("SITE_URL", _default_site_url).rstrip("/")
SITE_NAME = envstr("SITE_NAME", "Crosspost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [SITE_URL])
# Proxies (CIDRs) whose X-Forwarded-For names the reader (crosspost/lib/client.py); empty: nobody's.
try:
    CROSSPOST_TRUSTED_PROXIES = parse_networks("CROSSPOST_TRUSTED_PROXIES", envlist("CROSSPOST_TRUSTED_PROXIES", []))
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None

# Our apps come last: their post_migrate set-up needs every other app's permissions in place.
INSTALLED_APPS = [
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crosspost",
    "newsroom",
    "search",
    "ingest",
    "newsletter",
    "translation",
    "membership",
    "engagement",
    "federation",
    "imports",
    "audience",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "crosspost.middleware.SecurityHeadersMiddleware",
    "crosspost.middleware.ServiceUnavailableMiddleware",
    "crosspost.middleware.SiteLookupMiddleware",
    "crosspost.middleware.CrossSiteFormMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "federation.middleware.ActivityPubNegotiationMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "imports.middleware.OldQueryRedirectMiddleware",
    "imports.middleware.LiveRedirectMiddleware",  # Wagtail's, but only to live pages
]

ROOT_URLCONF = "crosspost.urls"
WSGI_APPLICATION = "crosspost.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "crosspost" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "crosspost.context_processors.site",
                "translation.context_processors.languages",
            ],
        },
    },
]

# One code path for SQLite and PostgreSQL: DATABASE_URL decides.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'crosspost.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60),
                                                  conn_health_checks=True)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Crosspost understands: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while the worker writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on busy_timeout instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
# A Redis that stops answering (frozen, or its host unplugged) costs a request a second, not forever.
_REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if REDIS_URL:
    # Pages keep being served from the database while Redis is away (see crosspost/lib/cache.py).
    CACHES = {"default": {"BACKEND": "crosspost.lib.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": _REDIS_OPTIONS}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rate limits (crosspost/lib/ratelimit.py) live in Redis under this prefix, or without Redis in the
# database, never in the per-process default cache.
RATELIMIT_KEY_PREFIX = "ratelimit"

# Full-page cache (crosspost/pagecache.py): files under var/ by default, Redis when configured,
# so every web process sees the same entries and the same purges.
PAGECACHE_ENABLED = envbool("PAGECACHE_ENABLED", True)
PAGECACHE_ALIAS = "pagecache"
PAGECACHE_TTL = envint("PAGECACHE_TTL", 3600)
# How long a web process trusts what it last read from the shared cache: the most a reader can
# see a page that another process has just purged.
PAGECACHE_LOCAL_SECONDS = envint("PAGECACHE_LOCAL_SECONDS", 2)
# Purges go through wagtail.contrib.frontend_cache to every backend here: our page cache always,
# and an HTTP cache in front (Varnish, nginx: PURGE requests) or Cloudflare when configured. We
# send one URL per language ourselves (English has no prefix), so Wagtail's expansion is off.
WAGTAILFRONTENDCACHE: dict[str, dict] = {"pagecache": {"BACKEND": "crosspost.pagecache.PageCacheBackend"}}
if envstr("CROSSPOST_PURGE_HTTP_URL"):
    WAGTAILFRONTENDCACHE["http"] = {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                                    "LOCATION": envstr("CROSSPOST_PURGE_HTTP_URL")}
if envstr("CROSSPOST_PURGE_CLOUDFLARE_ZONE"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {"BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
                                          "ZONEID": envstr("CROSSPOST_PURGE_CLOUDFLARE_ZONE"),
                                          "BEARER_TOKEN": envstr("CROSSPOST_PURGE_CLOUDFLARE_TOKEN")}
WAGTAILFRONTENDCACHE_LANGUAGES: list[str] = []
# Publishing an author or a section purges its newest articles this many (their bylines and
# section links show it); older ones catch up within PAGECACHE_TTL.
PAGECACHE_PURGE_ARTICLES = envint("PAGECACHE_PURGE_ARTICLES", 200)
# The only query parameters cached pages read (listings' ?page=, the sitemap's ?p=): entries are keyed
# by these alone, so a cached page answers a URL with others too. A page reading another must add it.
PAGECACHE_QUERY_PARAMS = ("page", "p")
# Apps whose code and templates go into the page cache's fingerprint (see crosspost/pagecache.py).
PAGECACHE_FINGERPRINT_APPS = ("crosspost", "newsroom", "search", "ingest", "newsletter", "translation",
                              "membership", "engagement", "federation", "imports", "audience")
if REDIS_URL:
    CACHES["pagecache"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                           "KEY_PREFIX": "page", "OPTIONS": _REDIS_OPTIONS}
else:
    CACHES["pagecache"] = {"BACKEND": "crosspost.lib.cache.PageFileCache",
                           "LOCATION": str(VAR_DIR / "pagecache"), "OPTIONS": {"MAX_ENTRIES": 100_000}}

# Pieces of pages (header, hreflang links, footer, an article's sharing and comments) rendered once
# per page version and language (crosspost/templatetags/rendercache.py).
RENDERCACHE_ENABLED = envbool("RENDERCACHE_ENABLED", True)

# One lease for every claim (crosspost/lib/leases.py): a claim held this long by a process on
# another host that has not finished is presumed dead and taken back.
CROSSPOST_LEASE_SECONDS = envint("CROSSPOST_LEASE_SECONDS", 900)
TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Languages: one page tree, served under /<lang>/ for each of these (see DESIGN.md).
LANGUAGE_CODE = "en"
_ALL_LANGUAGES = (
    "en ar az bg bn ca cs da de el eo es et eu fa fi fr ga gl he hi hr hu id it ja ko lt lv mk ms "
    "nb nl pl pt ro ru sk sl sq sr sv sw th tl tr uk ur vi zh-hans zh-hant"
).split()
_language_codes = [code.lower() for code in envlist("CROSSPOST_LANGUAGES", _ALL_LANGUAGES)]
if "en" not in _language_codes:
    _language_codes.insert(0, "en")
LANGUAGES = [(code, code) for code in _language_codes]
PAGECACHE_LANGUAGE_PREFIXES = tuple(code for code in _language_codes if code != "en")
RTL_LANGUAGES = {"ar", "fa", "he", "ur"}
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("en", "English")]
# Compiled interface translations (translation/ui.py) first, then the source catalogue.
UI_LOCALE_DIR = VAR_DIR / "locale"
LOCALE_PATHS = [UI_LOCALE_DIR, BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# Outside production Django serves uploads itself, so `make run` needs no web server in front.
SERVE_MEDIA = envbool("SERVE_MEDIA", not PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production WhiteNoise also finds files in the apps, so a forgotten collectstatic
# never leaves a page unstyled.
WHITENOISE_USE_FINDERS = not PRODUCTION
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = SITE_NAME
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars fetched from a third party: editors' browsers make no requests outside the site.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
REST_FRAMEWORK = {"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}

EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <newsroom@localhost>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # With no SMTP server, mails land as files a newcomer can open (a system check says so
    # in production).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Structured lines: LOG_FORMAT=json gives one JSON object per line for log shippers.
LOG_FORMAT = envstr("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "crosspost.lib.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "wagtail": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}

# --- translation ---
CROSSPOST_MT_BACKEND = envstr("CROSSPOST_MT_BACKEND", "none")
CROSSPOST_MT_URL = envstr("CROSSPOST_MT_URL").rstrip("/")
CROSSPOST_MT_API_KEY = envstr("CROSSPOST_MT_API_KEY")
CROSSPOST_MT_TIMEOUT = envint("CROSSPOST_MT_TIMEOUT", 30)
CROSSPOST_MT_MODELS_DIR = Path(envstr("CROSSPOST_MT_MODELS_DIR", str(VAR_DIR / "models")))
# Where `crosspost translation install --from-index` finds Argos packages: the Argos project's index.
CROSSPOST_MT_INDEX_URL = envstr(
    "CROSSPOST_MT_INDEX_URL", "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json")
# Languages every article is translated into as soon as it is published.
CROSSPOST_PRETRANSLATE = [code.lower() for code in envlist("CROSSPOST_PRETRANSLATE", [])]

# --- ingest (reposting) ---
# Hosts or CIDRs that URL fetching may reach even though they are private (for an operator's own
# network, or tests serving pages on loopback). Empty: only public addresses.
CROSSPOST_INGEST_ALLOW_HOSTS = envlist("CROSSPOST_INGEST_ALLOW_HOSTS", [])
CROSSPOST_FETCH_TIMEOUT = envint("CROSSPOST_FETCH_TIMEOUT", 15)
CROSSPOST_FETCH_MAX_BYTES = envint("CROSSPOST_FETCH_MAX_BYTES", 5 * 1024 * 1024)
CROSSPOST_FETCH_MAX_REDIRECTS = envint("CROSSPOST_FETCH_MAX_REDIRECTS", 5)
CROSSPOST_FEED_POLL_MINUTES = envint("CROSSPOST_FEED_POLL_MINUTES", 15)
# Source watch: each repost's original is re-fetched for this many days after reposting, at most
# this many requests per host per clock hour; a change is reported past this distance (0–1).
CROSSPOST_SOURCE_WATCH_DAYS = envint("CROSSPOST_SOURCE_WATCH_DAYS", 30)
CROSSPOST_SOURCE_WATCH_PER_HOST_HOUR = envint("CROSSPOST_SOURCE_WATCH_PER_HOST_HOUR", 30)
CROSSPOST_SOURCE_WATCH_THRESHOLD = envint("CROSSPOST_SOURCE_WATCH_THRESHOLD_PERCENT", 5) / 100

# --- federation (ActivityPub, WebSub) ---
# The site's own actor is @<this>@<host>; authors are @<their page slug>@<host>.
FEDERATION_SITE_USERNAME = envstr("FEDERATION_SITE_USERNAME").lower()
# Each delivery worker sends at most this many signed requests a second (0: no limit), with this
# many in flight, claimed this many at a time; a publish starts FEDERATION_DELIVERY_WORKERS workers.
FEDERATION_DELIVERY_RATE = envint("FEDERATION_DELIVERY_RATE", 400)
FEDERATION_DELIVERY_CONCURRENCY = envint("FEDERATION_DELIVERY_CONCURRENCY", 16)
FEDERATION_DELIVERY_BATCH = envint("FEDERATION_DELIVERY_BATCH", 50)
FEDERATION_DELIVERY_WORKERS = envint("FEDERATION_DELIVERY_WORKERS", 2)
# A server failing this many deliveries in a row is suspended for a day at a time.
FEDERATION_SUSPEND_AFTER = envint("FEDERATION_SUSPEND_AFTER", 10)
# Another WebSub hub to ping on publish; empty: Crosspost is its own hub at /websub/hub.
WEBSUB_HUB_URL = envstr("WEBSUB_HUB_URL")

# --- newsletter ---
NEWSLETTER_SEND_TIME = envstr("NEWSLETTER_SEND_TIME", "07:00")  # site time (TIME_ZONE), HH:MM
try:
    _hour, _minute = (int(part) for part in NEWSLETTER_SEND_TIME.split(":"))
    if not (0 <= _hour < 24 and 0 <= _minute < 60):
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(f"NEWSLETTER_SEND_TIME must be HH:MM, got {NEWSLETTER_SEND_TIME!r}") from None
# The day readers on "weekly" get each list's round-up (at NEWSLETTER_SEND_TIME): monday … sunday or 0-6.
NEWSLETTER_ROUNDUP_WEEKDAY = envweekday("NEWSLETTER_ROUNDUP_WEEKDAY", 0)
# Shared secret the mail provider's bounce/complaint webhook sends; empty disables the webhook.
NEWSLETTER_WEBHOOK_SECRET = envstr("NEWSLETTER_WEBHOOK_SECRET")
NEWSLETTER_WORKERS = envint("NEWSLETTER_WORKERS", 2)
NEWSLETTER_BATCH_SIZE = envint("NEWSLETTER_BATCH_SIZE", 100)
# A copy the recipient's server defers (4xx) waits leases.backoff(attempt, base=this), at most
# NEWSLETTER_MAX_ATTEMPTS tries; a dropped connection is re-opened NEWSLETTER_RECONNECTS times.
NEWSLETTER_RETRY_SECONDS = envint("NEWSLETTER_RETRY_SECONDS", 300)
NEWSLETTER_MAX_ATTEMPTS = envint("NEWSLETTER_MAX_ATTEMPTS", 5)
NEWSLETTER_RECONNECTS = envint("NEWSLETTER_RECONNECTS", 3)
NEWSLETTER_RECONNECT_SECONDS = envfloat("NEWSLETTER_RECONNECT_SECONDS", 1.0)
# Bounce policy: a mailbox that does not exist is struck off at once; one that keeps failing
# temporarily (full, deferred past the last attempt) after this many digests in a row.
NEWSLETTER_SOFT_BOUNCES = envint("NEWSLETTER_SOFT_BOUNCES", 3)
NEWSLETTER_SUBSCRIBE_RATE = envint("NEWSLETTER_SUBSCRIBE_RATE", 10)  # sign-ups per IP per hour

# --- errors ---
SENTRY_DSN = envstr("SENTRY_DSN")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured("SENTRY_DSN is set but sentry-sdk is not installed (pip install sentry-sdk)") from None
    sentry_sdk.init(dsn=SENTRY_DSN, environment=CROSSPOST_ENV, send_default_pii=False,
                    traces_sample_rate=float(envstr("SENTRY_TRACES_SAMPLE_RATE", "0") or 0))

# --- engagement ---
ENGAGEMENT_SHARE_LIMIT = envint("ENGAGEMENT_SHARE_LIMIT", 5)  # per hour, per IP, sender and recipient
ENGAGEMENT_COMMENT_LIMIT = envint("ENGAGEMENT_COMMENT_LIMIT", 5)  # per hour, per IP and address
ENGAGEMENT_FORM_LIMIT = envint("ENGAGEMENT_FORM_LIMIT", 5)  # contact and permission forms, per hour per IP
ENGAGEMENT_PIXEL_MAX_PAGES = envint("ENGAGEMENT_PIXEL_MAX_PAGES", 2000)  # new pages recorded per flush
# Attempts at a webhook delivery before it is marked failed; they are spaced by leases.backoff
# (30 s doubling to an hour), so 12 attempts keep trying for about six hours.
ENGAGEMENT_WEBHOOK_ATTEMPTS = envint("ENGAGEMENT_WEBHOOK_ATTEMPTS", 12)

# --- membership ---
STRIPE_SECRET_KEY = envstr("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = envstr("STRIPE_WEBHOOK_SECRET")
MEMBERSHIP_CURRENCY = envstr("MEMBERSHIP_CURRENCY", "eur").lower()
if STRIPE_SECRET_KEY and not STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY (Stripe dashboard: webhooks)")

# --- counters (crosspost/lib/counters.py) and audience ---
# Page views and republication views are counted in each process's memory and handed every few
# seconds to a store all processes share (files under var/counters/, or Redis), which the task
# worker flushes into daily rows.
COUNTERS_REDIS_URL = REDIS_URL
COUNTERS_DIR = Path(envstr("COUNTERS_DIR", str(VAR_DIR / "counters")))
COUNTERS_PREFIX = envstr("COUNTERS_PREFIX", "cp:counters")
COUNTERS_PUSH_SECONDS = envint("COUNTERS_PUSH_SECONDS", 5)
COUNTERS_MAX_KEYS = envint("COUNTERS_MAX_KEYS", 20_000)
# Off: pages carry no beacon and nothing is counted.
AUDIENCE_ENABLED = envbool("AUDIENCE_ENABLED", True)
# Optional: a GeoLite2-Country (or any MaxMind-format country) database file; countries are
# counted only when it is set.
AUDIENCE_GEOIP_DB = envstr("AUDIENCE_GEOIP_DB")
