"""Settings from the environment: strict parsing, clear errors, every setting documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from veille.core.env import SETTINGS, Env, SettingError, parse_database_url, parse_email_url

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented_in_env_example() -> None:
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    names = {s.name for s in SETTINGS}
    assert names - documented == set(), f"undocumented settings: {sorted(names - documented)}"
    assert documented - names == set(), f".env.example lists unknown settings: {sorted(documented - names)}"


def test_settings_module_reads_only_documented_variables() -> None:
    source = (ROOT / "src/veille/settings.py").read_text()
    used = set(re.findall(r'env\.\w+\("([A-Z_]+)"', source))
    assert used <= {s.name for s in SETTINGS}, used - {s.name for s in SETTINGS}


def test_reading_an_undocumented_variable_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="not a documented setting"):
        Env({}).str("VEILLE_SOMETHING_NEW")


@pytest.mark.parametrize(
    "value, expected", [("1", True), ("yes", True), ("On", True), ("0", False), ("off", False)]
)
def test_booleans_accept_the_usual_spellings(value: str, expected: bool) -> None:
    assert Env({"VEILLE_DEBUG": value}).bool("VEILLE_DEBUG") is expected


def test_a_wrong_boolean_names_the_variable_and_the_expected_form() -> None:
    with pytest.raises(SettingError) as err:
        Env({"VEILLE_DEBUG": "maybe"}).bool("VEILLE_DEBUG")
    assert "VEILLE_DEBUG='maybe'" in str(err.value)
    assert "expected one of 1, 0" in str(err.value)


def test_a_number_below_its_minimum_is_refused() -> None:
    with pytest.raises(SettingError, match="at least 1"):
        Env({"VEILLE_LOGIN_MAX_FAILURES": "0"}).int("VEILLE_LOGIN_MAX_FAILURES", minimum=1)


def test_sqlite_urls_relative_and_absolute() -> None:
    assert parse_database_url("sqlite:///var/x.sqlite3", base=Path("/srv"))["NAME"] == "/srv/var/x.sqlite3"
    assert parse_database_url("sqlite:////tmp/x.sqlite3", base=Path("/srv"))["NAME"] == "/tmp/x.sqlite3"


def test_postgres_url_with_password_port_and_options() -> None:
    db = parse_database_url("postgres://ve%40:p%2Fw@db.example:6543/veille?sslmode=require", base=Path("/"))
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "ve@",
        "p/w",
        "db.example",
        "6543",
        "veille",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url", ["mysql://x@y/z", "postgres://host-only", "sqlite://", "postgres://u@h:port/db", "x"]
)
def test_bad_database_urls_are_refused_with_the_expected_form(url: str) -> None:
    with pytest.raises(SettingError) as err:
        parse_database_url(url, base=Path("/"))
    assert err.value.name == "DATABASE_URL"
    assert "postgres://user:password@host:port/dbname" in str(err.value)


def test_email_urls() -> None:
    assert parse_email_url("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = parse_email_url("smtp+tls://me:pw@mail.example:587")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == ("mail.example", 587, True)
    with pytest.raises(SettingError, match="VEILLE_EMAIL_URL"):
        parse_email_url("pigeon://loft")


def _veille(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VEILLE_", "DATABASE_URL", "PYTEST"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "veille.cli", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=60,
    )


def test_a_wrong_setting_stops_start_up_with_a_clear_message() -> None:
    result = _veille("check", DATABASE_URL="mysql://nope", VEILLE_DEBUG="1")
    assert result.returncode == 2
    assert "configuration error: DATABASE_URL='mysql://nope' is invalid" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_short_secret_key_is_refused() -> None:
    result = _veille("check", VEILLE_SECRET_KEY="short")
    assert result.returncode == 2
    assert "VEILLE_SECRET_KEY" in result.stderr and "at least 32 characters" in result.stderr
