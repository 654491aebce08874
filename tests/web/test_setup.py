"""``veille setup``: the first start of a real instance, run as an operator would (child processes,
a database of its own, with or without a terminal)."""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.fresh import fresh_instance, on_postgres, veille
from veille.nations.services import DEMO_PASSWORD, check_new_password

GOOD = "correct horse battery staple"


def _tables(env: dict[str, str]) -> list[str]:
    """The database's tables, read without migrating (an empty list for a database never touched)."""
    script = "from django.db import connection; print(sorted(connection.introspection.table_names()))"
    done = veille(["shell", "-v0", "-c", script], env)
    assert done.returncode == 0, done.stderr[-2000:]
    return list(eval(done.stdout))  # noqa: S307 - our own output, a list of names


def _coordinator(env: dict[str, str], username: str) -> str:
    script = (
        "from django.contrib.auth import authenticate, get_user_model\n"
        f"u = get_user_model().objects.get(username={username!r})\n"
        f"print(u.membership.nation_id, u.membership.role, u.email, bool(authenticate(username={username!r}, "
        f"password={GOOD!r})))"
    )
    done = veille(["shell", "-v0", "-c", script], env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_without_a_terminal_nor_a_password_file_setup_refuses_and_writes_nothing(tmp_path: Path) -> None:
    with fresh_instance(tmp_path) as env:
        done = veille(["setup", "--username", "chief", "--email", "chief@example.org"], env)
        assert done.returncode == 2
        assert "no terminal" in done.stderr and "VEILLE_ADMIN_PASSWORD_FILE" in done.stderr
        assert "nothing was changed" in done.stderr
        assert _tables(env) == []
        assert not (tmp_path / "var" / "static" / "staticfiles.json").exists()


@pytest.mark.parametrize(
    "password, said",
    [
        (DEMO_PASSWORD, "the demo's published password"),
        ("short-pw-11", "has 11 characters; at least 12 are needed"),
        ("123456789012345", "entirely numeric"),
    ],
)
def test_a_weak_password_from_the_file_is_refused_before_anything_is_written(
    tmp_path: Path, password: str, said: str
) -> None:
    secret = tmp_path / "admin-password"
    secret.write_text(password + "\n")
    with fresh_instance(tmp_path, VEILLE_ADMIN_PASSWORD_FILE=str(secret)) as env:
        done = veille(["setup", "--username", "chief", "--email", "chief@example.org"], env)
        assert done.returncode == 2, done.stdout
        assert "password:" in done.stderr and said in done.stderr
        assert _tables(env) == []


def test_a_missing_password_file_is_named(tmp_path: Path) -> None:
    with fresh_instance(tmp_path, VEILLE_ADMIN_PASSWORD_FILE=str(tmp_path / "nowhere")) as env:
        done = veille(["setup", "--username", "chief", "--email", "chief@example.org"], env)
        assert done.returncode == 2
        assert f"VEILLE_ADMIN_PASSWORD_FILE {tmp_path / 'nowhere'}" in done.stderr
        assert _tables(env) == []


def test_a_bad_address_is_refused_naming_the_field(tmp_path: Path) -> None:
    with fresh_instance(tmp_path) as env:
        done = veille(["setup", "--username", "chief", "--email", "not-an-address"], env)
        assert done.returncode == 2
        assert "email: 'not-an-address' is not an e-mail address" in done.stderr


def test_setup_makes_the_instance_and_its_first_coordinator_then_changes_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "admin-password"
    secret.write_text(GOOD + "\n")
    with fresh_instance(tmp_path, VEILLE_ADMIN_PASSWORD_FILE=str(secret)) as env:
        done = veille(["setup", "--username", "chief", "--email", "chief@example.org"], env)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "coordinator chief: created (NATO staff)" in done.stdout
        assert (tmp_path / "var" / "static" / "staticfiles.json").is_file()
        assert _coordinator(env, "chief") == "None coordinator chief@example.org True"
        nations = veille(
            ["shell", "-v0", "-c", "from veille.nations.models import Nation; print(Nation.objects.count())"],
            env,
        )
        assert nations.stdout.strip() == "47"
        if not on_postgres():
            assert (tmp_path / "var" / "veille.sqlite3").is_file()

        # again, after an upgrade say: nothing to ask, nothing changed, no password needed
        again_env = {k: v for k, v in env.items() if k != "VEILLE_ADMIN_PASSWORD_FILE"}
        again = veille(["setup"], again_env)
        assert again.returncode == 0, again.stderr[-3000:]
        assert "coordinator: chief already there" in again.stdout
        named = veille(["setup", "--username", "chief"], again_env)
        assert named.returncode == 0 and "coordinator chief: already there" in named.stdout
        users = veille(
            [
                "shell",
                "-v0",
                "-c",
                "from django.contrib.auth.models import User; print(User.objects.count())",
            ],
            env,
        )
        assert users.stdout.strip() == "1"


def _on_a_terminal(args: list[str], env: dict[str, str], answers: list[tuple[str, str]]) -> tuple[int, str]:
    """Run ``veille ARGS`` with a pseudo-terminal as its controlling terminal; answer each prompt
    (a text the output ends with) in turn; the exit code and everything written."""
    master, slave = os.openpty()

    def controlling_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    child = subprocess.Popen(
        [sys.executable, "-m", "veille.cli", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=Path(env["VEILLE_VAR_DIR"]).parent,
        start_new_session=True,
        preexec_fn=controlling_terminal,
    )
    os.close(slave)
    seen = b""
    pending = list(answers)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if pending and seen.rstrip().endswith(pending[0][0].encode()):
                os.write(master, pending.pop(0)[1].encode() + b"\n")
        elif child.poll() is not None:
            break
    code = child.wait(timeout=60)
    os.close(master)
    return code, seen.decode(errors="replace")


def test_on_a_terminal_setup_asks_for_everything_and_never_echoes_the_password(tmp_path: Path) -> None:
    with fresh_instance(tmp_path) as env:
        code, out = _on_a_terminal(
            ["setup"],
            env,
            [
                ("username:", "first"),
                ("email:", "first@example.org"),
                ("characters):", GOOD),
                ("(again):", GOOD),
            ],
        )
        assert code == 0, out[-3000:]
        assert "coordinator first: created" in out
        assert GOOD not in out
        assert _coordinator(env, "first") == "None coordinator first@example.org True"


def test_two_different_entries_on_the_terminal_are_refused(tmp_path: Path) -> None:
    with fresh_instance(tmp_path) as env:
        code, out = _on_a_terminal(
            ["setup", "--username", "first", "--email", "first@example.org"],
            env,
            [("characters):", GOOD), ("(again):", GOOD + "!")],
        )
        assert code == 2 and "the two entries differ" in out
        assert _tables(env) == []


def test_the_password_rules_are_the_services() -> None:
    for weak in (DEMO_PASSWORD, "x" * 11):
        with pytest.raises(Exception, match=r"password|characters"):
            check_new_password(weak)
    check_new_password(GOOD)
