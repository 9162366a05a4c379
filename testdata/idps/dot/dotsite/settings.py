"""Settings of the implicitspec test fixture: Django OAuth Toolkit 1.7 (Debian) on 127.0.0.1.

Throwaway values only. DOT_STATE_DIR (set by server.sh) holds the database and the
RS256 signing key, so nothing generated lands in the repository.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("DOT_STATE_DIR", BASE_DIR / "state"))

SECRET_KEY = "implicitspec-dot-fixture-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # In Django's startproject default: X-Frame-Options: DENY on every page.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "dotsite.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE_DIR / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
# runserver answers each request in its own thread, and TestIdPs also runs four scenarios at once. With
# SQLite's defaults, a transaction that read and then writes while another writes fails at once with
# "database is locked" (HTTP 500): a property of the fixture's database, not of DOT. So the journal is WAL
# (readers and a writer overlap), every transaction takes the write lock when it begins (Django 3.2 has no
# setting for it), and a writer waits up to 20 s for it.
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": STATE_DIR / "db.sqlite3",
                         "OPTIONS": {"timeout": 20}}}


def _sqlite_wal(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")


def _begin_immediate(self):
    self.cursor().execute("BEGIN IMMEDIATE")


from django.db.backends.signals import connection_created  # noqa: E402
from django.db.backends.sqlite3.base import DatabaseWrapper  # noqa: E402

connection_created.connect(_sqlite_wal)
DatabaseWrapper._start_transaction_under_autocommit = _begin_immediate
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
STATIC_URL = "/static/"
LOGIN_URL = "/accounts/login/"
USE_TZ = True
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"oauth2_provider": {"handlers": ["console"], "level": "INFO"},
                       # a server error's traceback in server.log (DEBUG is off, so it is nowhere else)
                       "django.request": {"handlers": ["console"], "level": "ERROR"}}}

_key = STATE_DIR / "oidc.key"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _key.read_text() if _key.exists() else "",
    "SCOPES": {"openid": "OpenID Connect", "read": "Read scope", "write": "Write scope"},
    "DEFAULT_SCOPES": ["read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REQUEST_APPROVAL_PROMPT": "force",  # always show the consent page
    "PKCE_REQUIRED": False,
}
