"""A real veille server for the tests that need one: gunicorn with uvicorn workers (the ASGI server
``make demo`` runs) on 127.0.0.1, over its own SQLite file in a temporary folder, with the reference
nations and the named users; ``session(name)`` is a session cookie of that user."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

SETUP = """
import json
from django.contrib.auth import get_user_model, HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from veille.nations.access import Actor
from veille.nations.services import do_create_demo_users, do_create_token, do_load_reference
do_load_reference(Actor.system_process("tests"))
do_create_demo_users(Actor.system_process("tests"))
keys, tokens = {}, {}
for user in get_user_model().objects.all():
    tokens[user.username] = do_create_token(Actor.for_user(user, via="web"), "tests")[1]
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    keys[user.username] = s.session_key
print(json.dumps({"sessions": keys, "tokens": tokens}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    sessions: dict[str, str]
    tokens: dict[str, str]
    env: dict[str, str]
    folder: Path
    #: what the ``setup`` code given to :func:`served` printed last (JSON)
    prepared: object = None

    def connection(self, timeout: float = 30.0) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def get(self, path: str, user: str | None = None, timeout: float = 30.0) -> tuple[int, bytes]:
        conn = self.connection(timeout)
        try:
            conn.request("GET", path, headers=self.headers(user))
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def post_json(self, path: str, body: object, user: str, timeout: float = 120.0) -> tuple[int, bytes]:
        conn = self.connection(timeout)
        try:
            headers = {"Host": "127.0.0.1", "Content-Type": "application/json"}
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
            conn.request("POST", path, body=json.dumps(body), headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def headers(self, user: str | None) -> dict[str, str]:
        headers = {"Host": "127.0.0.1"}
        if user:
            headers["Cookie"] = f"sessionid={self.sessions[user]}"
        return headers


def server_env(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'veille.sqlite3'}",
        VEILLE_VAR_DIR=str(folder / "var"),
        VEILLE_TEST_DB="sqlite",
        VEILLE_SECRET_KEY="server-test-key-" + "k" * 40,
        VEILLE_ALLOWED_HOSTS="127.0.0.1",
        VEILLE_RATE_LIMIT_PER_MINUTE="100000",
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def served(folder: Path, *, workers: int = 1, setup: str = "", **extra: str) -> Iterator[Server]:
    """The server, stopped (its process group) when the block ends. ``setup``: Python code run in
    ``veille shell`` before it starts (its last line of output, JSON, is ``Server.prepared``)."""
    env = server_env(folder, **extra)
    veille = str(BIN / "veille")
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([veille, *command], env=env, check=True, cwd=ROOT, timeout=300)
    ran = subprocess.run(
        [veille, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT, timeout=300, capture_output=True
    )
    made = json.loads(ran.stdout.decode().strip().splitlines()[-1])
    prepared = None
    if setup:
        more = subprocess.run(
            [veille, "shell", "-c", setup], env=env, check=True, cwd=ROOT, timeout=600, capture_output=True
        )
        prepared = json.loads(more.stdout.decode().strip().splitlines()[-1])
    port = free_port()
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "veille.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--graceful-timeout", "2"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = Server(port, made["sessions"], made["tokens"], env, folder, prepared)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (folder / "server.log").read_text()
            with contextlib.suppress(OSError):
                if server.get("/healthz", timeout=5)[0] == 200:
                    break
            assert time.monotonic() < deadline, "the server did not answer /healthz within 120 s"
            time.sleep(0.2)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
