"""Django settings for Tradewind.

Everything is configured by environment variables with embedded defaults, so a fresh
machine runs the store with no service at all: SQLite and local files under
``TRADEWIND_DATA_DIR``. ``DATABASE_URL=postgres://...`` switches to PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

from tradewind.core.config import data_dir, env_bool, secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("TRADEWIND_DEBUG", default=False)
ALLOWED_HOSTS = os.environ.get(
    "TRADEWIND_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver"
).split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("TRADEWIND_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "tradewind.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Serves Swagger UI from its bundled static files, not a CDN.
    "ninja",
    "tradewind.markets",
    "tradewind.catalog",
    "tradewind.pricing",
    "tradewind.tax",
    "tradewind.inventory",
    "tradewind.shipping",
    "tradewind.customers",
    "tradewind.orders",
    "tradewind.payments",
    "tradewind.checkout",
    "tradewind.analytics",
    "tradewind.insights",
    "tradewind.console",
    "tradewind.storefront",
    "tradewind.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tradewind.urls"
WSGI_APPLICATION = "tradewind.wsgi.application"
ASGI_APPLICATION = "tradewind.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "tradewind.sqlite3"}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at
        # BEGIN so concurrent writers queue on busy_timeout instead of failing mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        }
        # A file, not shared-cache memory: threads in concurrency tests each open their own
        # connection, and shared cache reports "table is locked" instead of waiting on
        # busy_timeout. pytest-django adds the xdist worker suffix to the name.
        config["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Argon2 hashes new passwords; the others still verify hashes stored before and are
# upgraded to Argon2 at the next successful sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("ja", "日本語"),
    ("ar", "العربية"),
    ("id", "Bahasa Indonesia"),
    ("th", "ไทย"),
]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise indexes it at start-up, before collectstatic
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail is written to files under the data dir until an SMTP server is configured.
EMAIL_BACKEND = os.environ.get(
    "TRADEWIND_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "outbox-mail"
EMAIL_HOST = os.environ.get("TRADEWIND_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TRADEWIND_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("TRADEWIND_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TRADEWIND_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TRADEWIND_EMAIL_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("TRADEWIND_EMAIL_FROM", "orders@localhost")

LOGIN_URL = "admin:login"

# The store's own currency: base prices are entered in it and every market converts from it.
TRADEWIND_BASE_CURRENCY = os.environ.get("TRADEWIND_BASE_CURRENCY", "EUR").upper()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TRADEWIND_LOG_LEVEL", "WARNING")},
}
