"""Settings for the test suite: the real settings module, with test-only values.

Not a production path: it only supplies what production must never default to.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-a-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Test client talks plain HTTP.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Tests create data inside rolled-back transactions (no on_commit, so no new cache
# generation); the page cache is switched on only by its own tests.
PUBLIC_PAGE_CACHE = False
# Password reset mail inside the request (the test's transaction); its own test sends it after.
PASSWORD_RESET_IN_BACKGROUND = False
# The developer tooling is tested too (production settings do not install it).
if "devtools" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
# Most tests sign association editors in with force_login (no second factor); the second-factor
# tests switch the requirement on (tests/accounts/test_mfa.py, tests/browser/test_mfa.py).
MFA_REQUIRED = False
