"""A fresh veille instance for tests that run ``veille`` as an operator would: in child processes,
with only the environment given, on a database of its own (SQLite under the instance's
``VEILLE_VAR_DIR``, or, when the suite runs on PostgreSQL, a database created for it and dropped
afterwards).

    with fresh_instance(tmp_path) as env:
        done = veille(["migrate", "--noinput"], env)
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

__all__ = ["clean_env", "fresh_instance", "on_postgres", "veille"]


def on_postgres() -> bool:
    return os.environ.get("VEILLE_TEST_DB") == "postgres"


def clean_env(**values: str) -> dict[str, str]:
    """The environment of a fresh ``veille`` process: none of this run's settings, only ``values``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VEILLE_", "DATABASE_URL", "PYTEST"))}
    return clean | {"VEILLE_SECRET_KEY": "k" * 40} | values


def veille(
    args: list[str],
    env: dict[str, str],
    cwd: Path | None = None,
    timeout: int = 600,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``veille ARGS`` in a child process (no terminal: standard input is empty or ``stdin``)."""
    return subprocess.run(
        [sys.executable, "-m", "veille.cli", *args],
        cwd=cwd or (env.get("VEILLE_VAR_DIR") and Path(env["VEILLE_VAR_DIR"]).parent),
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def fresh_instance(tmp_path: Path, **values: str) -> Iterator[dict[str, str]]:
    """The environment of an instance whose state lives under ``tmp_path/var`` and whose database
    is empty (not even migrated)."""
    var = tmp_path / "var"
    var.mkdir(parents=True, exist_ok=True)
    env = clean_env(VEILLE_VAR_DIR=str(var), **values)
    if not on_postgres():
        yield env
        return
    import psycopg

    base = os.environ.get("VEILLE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/veille")
    parts = urlsplit(base)
    name = f"veille_fresh_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield env | {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
