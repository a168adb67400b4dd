"""Settings for the test suite: the real settings with tasks run inline and fast hashing."""

import atexit
import shutil
import tempfile
from pathlib import Path

from crosspost.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if REDIS_URL:  # noqa: F405 - CI's second run exercises the Redis path of the caches
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,  # noqa: F405
                    "KEY_PREFIX": "test"},
        "pagecache": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,  # noqa: F405
                      "KEY_PREFIX": "test-page"},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pagecache": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pagecache",
                      "OPTIONS": {"MAX_ENTRIES": 100_000}},
    }
SITE_URL = "http://testserver"
# Tests change data inside a transaction that never commits, so the purges that retire cached pieces
# of pages never run; crosspost/tests/test_rendercache.py switches the cache on and commits.
RENDERCACHE_ENABLED = False
RATELIMIT_KEY_PREFIX = "test-ratelimit"
WAGTAILADMIN_BASE_URL = SITE_URL

# Interface catalogues compiled by a test go to a scratch directory, emptied after each test
# (conftest.py), so a French catalogue from one test never changes what another one reads.
UI_LOCALE_DIR = Path(tempfile.mkdtemp(prefix="crosspost-locale-"))
atexit.register(shutil.rmtree, UI_LOCALE_DIR, ignore_errors=True)
LOCALE_PATHS = [UI_LOCALE_DIR, BASE_DIR / "locale"]  # noqa: F405

# SQLite's test database is a file, not Django's default in-memory one: an in-memory database makes
# the live server's thread share the test's one connection, so a request the server answers while
# the test is inside a transaction (a peer fetching our key during a publish) corrupts both. With a
# file each thread has its own connection and waits on busy_timeout, as `make run` does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _TEST_DB_DIR = Path(tempfile.mkdtemp(prefix="crosspost-testdb-"))
    atexit.register(shutil.rmtree, _TEST_DB_DIR, ignore_errors=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_TEST_DB_DIR / "test_crosspost.sqlite3")}  # noqa: F405
