"""Strict parsing of settings from the environment.

Each reader names the variable and the expected form when a value is wrong, so that start-up
stops with a message an operator can act on, never with a traceback from deep inside Django.
The table :data:`SETTINGS` is the single list of ``VEILLE_*`` variables; ``.env.example`` must
document each of them (a test checks it).
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "SETTINGS",
    "SOURCE_ROOT",
    "Env",
    "Setting",
    "SettingError",
    "data_dir",
    "parse_database_url",
    "parse_email_url",
]


class SettingError(ValueError):
    """A setting from the environment has a wrong value.

    >>> str(SettingError("VEILLE_DEBUG", "yes please", "one of 1, 0, true, false, yes, no, on, off"))
    "VEILLE_DEBUG='yes please' is invalid: expected one of 1, 0, true, false, yes, no, on, off"
    """

    def __init__(self, name: str, value: str, expected: str) -> None:
        self.name, self.value, self.expected = name, value, expected
        super().__init__(f"{name}={value!r} is invalid: expected {expected}")


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    doc: str


#: Every variable veille reads. ``.env.example`` documents each one.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        "",
        "sqlite:///path or postgres://user:pw@host:port/db (default: VEILLE_VAR_DIR/veille.sqlite3)",
    ),
    Setting("VEILLE_SECRET_KEY", "", "secret for sessions and CSRF; required when VEILLE_DEBUG is off"),
    Setting("VEILLE_DEBUG", "0", "1 to show tracebacks (development only)"),
    Setting("VEILLE_ALLOWED_HOSTS", "127.0.0.1,localhost", "comma-separated host names served"),
    Setting("VEILLE_CSRF_TRUSTED_ORIGINS", "", "comma-separated origins (https://veille.example.org)"),
    Setting("VEILLE_SECURE_COOKIES", "0", "1 behind HTTPS: secure cookies, HSTS, redirect to https"),
    Setting("VEILLE_DATA_DIR", "data", "folder of the shipped public datasets"),
    Setting("VEILLE_VAR_DIR", "var", "folder for the SQLite database, the AIS store and run outputs"),
    Setting("VEILLE_AIS_STORE", "", "folder of the AIS Parquet store (default: VEILLE_VAR_DIR/ais)"),
    Setting(
        "VEILLE_ADMIN_PASSWORD_FILE",
        "",
        "veille setup: file whose first line is the first coordinator's password (else asked)",
    ),
    Setting(
        "VEILLE_SPARK_MASTER",
        "local[*]",
        "Spark master of --engine spark: local[N], spark://HOST:PORT, yarn…",
    ),
    Setting(
        "VEILLE_EMAIL_URL", "console:", "console:, file:///path or smtp://user:pw@host:port (smtp+tls://)"
    ),
    Setting("VEILLE_DEFAULT_FROM_EMAIL", "veille@localhost", "sender of notification e-mails"),
    Setting("VEILLE_LOGIN_MAX_FAILURES", "5", "failed logins before an account is locked"),
    Setting("VEILLE_LOGIN_LOCK_MINUTES", "15", "minutes an account stays locked"),
    Setting("VEILLE_RATE_LIMIT_PER_MINUTE", "60", "write requests per minute per client address"),
    Setting(
        "VEILLE_IDEMPOTENCY_HOURS", "24", "hours the answer of an API write with Idempotency-Key is kept"
    ),
    Setting("VEILLE_MAX_BODY_BYTES", "2097152", "largest request body accepted, files aside (bytes)"),
    Setting(
        "VEILLE_TRUSTED_PROXIES",
        "",
        "comma-separated addresses or networks of the proxies whose X-Forwarded-For is believed",
    ),
    Setting("VEILLE_LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR"),
    Setting("VEILLE_STREAMS_PER_USER", "4", "live streams (/arctic/stream/) one user may have open"),
    Setting("VEILLE_STREAMS_MAX", "500", "live streams one server process keeps open at most"),
    Setting("VEILLE_TEST_DB", "sqlite", "test runs only: sqlite or postgres"),
    Setting("VEILLE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/veille", "test runs only"),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}

#: The source tree's root (where ``pyproject.toml`` and ``data/`` are). A relative path in a setting
#: is taken from here, never from the current directory, so that every command finds the same folders.
SOURCE_ROOT = Path(__file__).resolve().parents[3]


class Env:
    """Typed readers over a mapping of variables (``os.environ`` by default).

    >>> Env({"VEILLE_DEBUG": "on"}).bool("VEILLE_DEBUG")
    True
    >>> Env({}).int("VEILLE_LOGIN_MAX_FAILURES", minimum=1)
    5
    """

    def __init__(self, environ: Mapping[builtins.str, builtins.str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def str(self, name: builtins.str) -> builtins.str:
        if name not in _DEFAULTS:
            raise KeyError(f"{name} is not a documented setting (add it to veille.core.env.SETTINGS)")
        return self.environ.get(name, _DEFAULTS[name]).strip()

    def bool(self, name: builtins.str) -> builtins.bool:
        raw = self.str(name).lower()
        if raw in {"1", "true", "yes", "on"}:
            return True
        if raw in {"0", "false", "no", "off", ""}:
            return False
        raise SettingError(name, raw, "one of 1, 0, true, false, yes, no, on, off")

    def int(self, name: builtins.str, *, minimum: builtins.int | None = None) -> builtins.int:
        raw = self.str(name)
        try:
            value = int(raw)
        except ValueError:
            raise SettingError(name, raw, "a whole number") from None
        if minimum is not None and value < minimum:
            raise SettingError(name, raw, f"a whole number of at least {minimum}")
        return value

    def list(self, name: builtins.str) -> builtins.list[builtins.str]:
        return [part.strip() for part in self.str(name).split(",") if part.strip()]

    def choice(self, name: builtins.str, choices: tuple[builtins.str, ...]) -> builtins.str:
        raw = self.str(name)
        if raw not in choices:
            raise SettingError(name, raw, "one of " + ", ".join(choices))
        return raw

    def path(self, name: builtins.str, base: Path) -> Path:
        """A path setting: ``~`` expanded, a relative value taken from ``base`` (never from the
        current directory); set but empty, the default (an empty path would be the current
        directory).

        >>> Env({"VEILLE_VAR_DIR": ""}).path("VEILLE_VAR_DIR", Path("/srv/veille"))
        PosixPath('/srv/veille/var')
        >>> Env({"VEILLE_VAR_DIR": "/data/var"}).path("VEILLE_VAR_DIR", Path("/srv/veille"))
        PosixPath('/data/var')
        """
        raw = self.str(name) or _DEFAULTS[name]
        if not raw:
            raise SettingError(name, raw, "a path")
        path = Path(raw).expanduser()
        return path if path.is_absolute() else (base / path).resolve()


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The shipped data folder: ``VEILLE_DATA_DIR`` (relative to :data:`SOURCE_ROOT`), else ``data/``
    there. ``veille.kit.paths`` gives it to the apps; the detectors in ``veille.core`` find their
    reference files (zones, coastline, cables, MID table) through it.

    >>> (data_dir() / "reference" / "itu_mid.csv").exists()
    True
    >>> data_dir({"VEILLE_DATA_DIR": "/srv/data"})
    PosixPath('/srv/data')
    >>> data_dir({"VEILLE_DATA_DIR": "data"}) == SOURCE_ROOT / "data"
    True
    """
    return Env(environ).path("VEILLE_DATA_DIR", SOURCE_ROOT)


def parse_database_url(url: str, *, base: Path, name: str = "DATABASE_URL") -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pw@host:port/db`` into Django's DATABASES entry.

    Relative SQLite paths are taken from ``base``.

    >>> parse_database_url("postgres://postgres@127.0.0.1:5432/veille", base=Path("/srv"))["NAME"]
    'veille'
    >>> parse_database_url("sqlite:///var/db.sqlite3", base=Path("/srv"))["NAME"]
    '/srv/var/db.sqlite3'
    """
    expected = "sqlite:///relative/or/absolute/path.sqlite3 or postgres://user:password@host:port/dbname"
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        raw = unquote(parts.path)
        if url.startswith("sqlite:////"):
            path = Path("/" + raw.lstrip("/"))
        elif raw.startswith("/") and len(raw) > 1:
            path = base / raw[1:]
        else:
            raise SettingError(name, url, expected)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    if parts.scheme in {"postgres", "postgresql"}:
        db = unquote(parts.path.lstrip("/"))
        if not db or not parts.hostname:
            raise SettingError(name, url, expected)
        try:
            port = parts.port
        except ValueError:
            raise SettingError(name, url, expected + " (the port must be a number)") from None
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname,
            "PORT": str(port or 5432),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise SettingError(name, url, expected)


def parse_email_url(url: str, *, name: str = "VEILLE_EMAIL_URL") -> dict[str, object]:
    """Turn ``console:``, ``file:///path`` or ``smtp[+tls]://user:pw@host:port`` into Django settings.

    >>> parse_email_url("smtp+tls://me:pw@mail.example.org:587")["EMAIL_USE_TLS"]
    True
    """
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file" and parts.path:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parts.path,
        }
    if parts.scheme in {"smtp", "smtp+tls", "smtp+ssl"} and parts.hostname:
        try:
            port = parts.port
        except ValueError:
            port = -1
        if port == -1:
            raise SettingError(name, url, "smtp://user:password@host:port with a numeric port")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or 25,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
            "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
        }
    raise SettingError(name, url, "console:, file:///path, or smtp[+tls|+ssl]://user:password@host:port")
