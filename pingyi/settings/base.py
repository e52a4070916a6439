"""Settings shared by every environment; the others import * from here.

Everything that differs between a laptop and a production intranet is read
from the environment, with defaults that are safe for development only.
"""

import os
from pathlib import Path

import dj_database_url

from pingyi.lib import limits

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "pingyi"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "pingyi.accounts",
    "pingyi.audit",
    "pingyi.org",
    "pingyi.stats",
    "pingyi.dupcheck",
    "pingyi.indicators",
    "pingyi.reviews",
    "pingyi.ballots",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pingyi.lib.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pingyi.lib.middleware.LoginRequiredMiddleware",
    "pingyi.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pingyi.urls"
WSGI_APPLICATION = "pingyi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pingyi.accounts.context_processors.role",
                "pingyi.accounts.context_processors.organization",
                "pingyi.lib.textsize.context",
            ],
        },
    },
]

# SQLite file by default (zero set-up); PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one file: wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Django's rules, worded in Chinese in every context (pages, API, commands): pingyi/accounts/passwords.py.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "pingyi.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "pingyi.accounts.passwords.LettersAndDigitsValidator"},
    {"NAME": "pingyi.accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "pingyi.accounts.passwords.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "pingyi.lib.staticfinders.NpmFinder",
]
NODE_MODULES_DIR = BASE_DIR / "node_modules"

# Uploaded workbooks are read in memory and kept in the database until confirmed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
ROSTER_MAX_BYTES = limits.ROSTER_MAX_BYTES  # lib/limits: every upload limit in one place
# 任免审批表 (.lrmx) uploads: many files (or zips) at once, each with a photo.
LRMX_MAX_BYTES = limits.LRMX_MAX_BYTES
# More files in one request is answered by lib/errors.bad_request, asking for a zip instead.
DATA_UPLOAD_MAX_NUMBER_FILES = limits.UPLOAD_MAX_FILES

# The organization department running the system: signs the Word documents and heads every page.
ORGANIZATION_NAME = os.environ.get("PINGYI_ORGANIZATION", "中共示例市委组织部")

# The address evaluators' phones open, printed on every ballot slip (e.g. http://192.168.1.10/).
# Empty: the address the organizer is using, which is wrong when that is 127.0.0.1 (the overview says so).
BALLOT_BASE_URL = os.environ.get("PINGYI_BALLOT_BASE_URL", "")

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from hx-headers, never from the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login throttling: failures per user name and per address within the window.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
# Behind nginx every request comes from 127.0.0.1 and the client's address is in X-Real-IP; a
# server reached directly must not believe that header (it would let anyone pick their address).
BEHIND_PROXY = env_bool("PINGYI_BEHIND_PROXY", False)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
