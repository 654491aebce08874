"""Django settings, read from the environment (see ``.env.example`` and ``veille.core.env``).

With nothing set, veille runs on SQLite in ``./var/`` with DEBUG off.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from veille.core.env import Env, SettingError, parse_database_url, parse_email_url
from veille.kit.addresses import parse_networks
from veille.kit.paths import resolve

env = Env()
# every path from the environment, as the commands that run without these settings resolve them
paths = resolve()

ROOT_DIR = paths.root
BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = paths.data_dir
VAR_DIR = paths.var_dir
AIS_STORE = paths.ais_store

DEBUG = env.bool("VEILLE_DEBUG")
TESTING = bool(os.environ.get("PYTEST_VERSION")) or env.str("VEILLE_TEST_DB") != "sqlite"

SECRET_KEY = env.str("VEILLE_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-" + "x" * 40
    else:
        # A key kept in var/ so that sessions survive restarts of a single-machine install.
        key_file = paths.secret_key_file
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        SECRET_KEY = key_file.read_text().strip()
elif len(SECRET_KEY) < 32:
    raise SettingError("VEILLE_SECRET_KEY", "<hidden>", "at least 32 characters")

ALLOWED_HOSTS = env.list("VEILLE_ALLOWED_HOSTS")
if TESTING:
    ALLOWED_HOSTS += ["testserver", "localhost", "127.0.0.1"]
CSRF_TRUSTED_ORIGINS = env.list("VEILLE_CSRF_TRUSTED_ORIGINS")
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith(("http://", "https://")):
        raise SettingError(
            "VEILLE_CSRF_TRUSTED_ORIGINS", origin, "origins such as https://veille.example.org"
        )

INSTALLED_APPS = [
    # veille's apps first: their French catalogues take precedence over Django's own ("Log in" is
    # "Se connecter" here, not the admin's "Connexion"), the shell's over the others'. Then from the
    # bottom of the layers (DESIGN.md §1) up: an app may depend on the apps listed before it, never on
    # those after it (veille.kit is no app: it has no models, templates or text).
    "veille.web",
    "veille.nations",
    "veille.audit",
    "veille.ledger",
    "veille.notices",
    "veille.spending",
    "veille.purl",
    "veille.support",
    "veille.industry",
    "veille.council",
    "veille.lessons",
    "veille.training",
    "veille.maritime",
    "veille.arctic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
]
if TESTING and os.environ.get("PYTEST_VERSION"):
    # A concrete releasable model, to test the access rules apart from any mechanism.
    INSTALLED_APPS.append("tests.releasable_app")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "veille.web.middleware.SecurityHeadersMiddleware",
    "veille.web.middleware.SizeLimitsMiddleware",
    "veille.web.middleware.NullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "veille.web.middleware.RateLimitMiddleware",
    "veille.web.idempotency.IdempotencyMiddleware",
    "veille.web.middleware.RequestMemoryMiddleware",
]

ROOT_URLCONF = "veille.urls"
WSGI_APPLICATION = "veille.wsgi.application"
ASGI_APPLICATION = "veille.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "veille.web.context.veille",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
if env.choice("VEILLE_TEST_DB", ("sqlite", "postgres")) == "postgres":
    _db = parse_database_url(
        env.str("VEILLE_TEST_POSTGRES_URL"), base=ROOT_DIR, name="VEILLE_TEST_POSTGRES_URL"
    )
    # One test database per process, so that runs side by side never collide.
    _db["TEST"] = {"NAME": f"test_veille_{os.getpid()}"}
else:
    _db = parse_database_url(paths.database_url, base=ROOT_DIR)
    if str(_db["ENGINE"]).endswith("sqlite3"):
        Path(str(_db["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        _db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication and security -----------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 on purpose costs time; the test suite logs in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
VEILLE_LOGIN_MAX_FAILURES = env.int("VEILLE_LOGIN_MAX_FAILURES", minimum=1)
VEILLE_LOGIN_LOCK_MINUTES = env.int("VEILLE_LOGIN_LOCK_MINUTES", minimum=1)
VEILLE_RATE_LIMIT_PER_MINUTE = env.int("VEILLE_RATE_LIMIT_PER_MINUTE", minimum=1)
VEILLE_IDEMPOTENCY_HOURS = env.int("VEILLE_IDEMPOTENCY_HOURS", minimum=1)
VEILLE_MAX_BODY_BYTES = env.int("VEILLE_MAX_BODY_BYTES", minimum=1024)
# (Django's own limit on a form's fields, beside files, follows it)
DATA_UPLOAD_MAX_MEMORY_SIZE = VEILLE_MAX_BODY_BYTES
try:
    VEILLE_TRUSTED_PROXIES = parse_networks(env.list("VEILLE_TRUSTED_PROXIES"))
except ValueError as _exc:
    raise SettingError(
        "VEILLE_TRUSTED_PROXIES", env.str("VEILLE_TRUSTED_PROXIES"), f"addresses or networks ({_exc})"
    ) from None
VEILLE_STREAMS_PER_USER = env.int("VEILLE_STREAMS_PER_USER", minimum=1)
VEILLE_STREAMS_MAX = env.int("VEILLE_STREAMS_MAX", minimum=1)

SECURE = env.bool("VEILLE_SECURE_COOKIES")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "veille.web.views.csrf_failure"
# Strict: the server itself is the only origin; no inline script. Vega runs with its CSP-safe
# expression interpreter, so no 'unsafe-eval' either.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "veille"}}

# --- e-mail ----------------------------------------------------------------------------------
for _key, _value in parse_email_url(env.str("VEILLE_EMAIL_URL")).items():
    globals()[_key] = _value
DEFAULT_FROM_EMAIL = env.str("VEILLE_DEFAULT_FROM_EMAIL")

# --- internationalisation: NATO's two official languages ------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
# Each app keeps its own French catalogue in <app>/locale/ (found by Django without listing it).
LOCALE_PATHS: list[Path] = []
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- static files (vendored; never a CDN) ----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = paths.static_root
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

LOG_LEVEL = env.choice("VEILLE_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "veille.api_pagination.BoundedLimitOffset"
