"""Load test of the served application (``python bench/load.py``): N clients for T seconds against a
server this script starts on 127.0.0.1, on SQLite and on PostgreSQL.

For each database: a fresh database (a SQLite file in a temporary folder; a PostgreSQL database
``veille_load_<pid>`` made and dropped on 127.0.0.1:5432), ``veille migrate``, ``collectstatic`` and
``veille demo`` (the demo data: shipped datasets, seeded synthetic records, the named users), an API
token and a session for each named user, then the ASGI server ``make demo`` runs (``gunicorn
veille.asgi:application -k uvicorn_worker.UvicornWorker``, ``--workers`` 2 by default; the write
rate limit raised, since every client comes from 127.0.0.1).

Each client is a thread with its own keep-alive connection, as one of the named users (or
anonymous, for pages), sending one request after another, waiting between them a time drawn from
an exponential distribution of mean ``--think`` seconds (3 by default: a person reading a page, or
a script polling, rather than a flood; the waits are random so that the clients do not move in
step): a mix of pages (45 %), API reads (45 %) and API writes
(10 %: pledges to PURL, Arctic activities, lessons-learned observations), each path drawn by its
weight. Reported per class and per path: requests, requests per second, p50/p95/p99 latency, and
errors (5xx, refused connections, time-outs; a 4xx that the mix does not expect is counted apart).

Writes its section of docs/benchmarks.md between the ``bench:load`` markers, one table per
database. Before that run, the same clients send with no wait for ``--saturate`` seconds (60 by
default; 0 to skip): the server's capacity in requests per second, a secondary row, since with no
wait the latency is only the queue of the clients in front (50 clients over ~40 requests/s wait
over a second whatever the code does). Defaults: 50 clients, 600 s, both databases;
``--clients 20 --seconds 60`` for a short run, ``--db sqlite`` for one database, ``--no-doc`` to
print only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, write_section

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
USERS = ("alice", "nora", "pawel", "olga", "sam", "eve")

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from veille.nations.access import Actor
from veille.nations.services import do_create_token
out = {"sessions": {}, "tokens": {}}
for user in get_user_model().objects.filter(username__in=%r):
    out["tokens"][user.username] = do_create_token(Actor.for_user(user, via="web"), "load test")[1]
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    out["sessions"][user.username] = s.session_key
print(json.dumps(out))
""" % (USERS,)  # noqa: UP031

#: (path, weight): pages, read as the client's user (session) or anonymously
PAGES = [
    ("/", 3),
    ("/arctic/", 3),
    ("/purl/", 3),
    ("/purl/lists/", 1),
    ("/purl/contributions/", 1),
    ("/support/", 2),
    ("/spending/", 2),
    ("/industry/", 1),
    ("/council/", 1),
    ("/lessons/", 1),
    ("/training/", 1),
    ("/support/claims/", 1),
]
#: (path, weight): API reads, with the client's user's token
API_READS = [
    ("/api/v1/purl/contributions?limit=20", 3),
    ("/api/v1/purl/packages?limit=20", 2),
    ("/api/v1/purl/lists", 1),
    ("/api/v1/arctic/activities?limit=50", 3),
    ("/api/v1/spending/figures?limit=50", 2),
    ("/api/v1/council/actions", 1),
    ("/api/v1/lessons/search?q=air+defence", 1),
    ("/api/v1/ledger/balances", 1),
    ("/api/v1/nations/", 1),
]
#: writes, each by a user allowed to make it
WRITES = [("pledge", 2), ("activity", 1), ("observation", 1)]
CLASSES = (("page", 45), ("api read", 45), ("write", 10))
BUSY = (
    " (above the machine's core count before the clients started: other work was running beside the"
    " test and took much of the machine; these figures are provisional, the ones to quote come from"
    " a run on a quiet machine)"
)


@dataclass
class Sample:
    cls: str
    path: str
    status: int
    seconds: float
    error: str = ""


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: float = 0.0

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


# --- the server -------------------------------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, folder: Path, pg_url: str) -> Iterator[str]:
    """A DATABASE_URL for a fresh database, dropped afterwards (PostgreSQL)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'load.sqlite3'}"
        return
    import psycopg

    name = f"veille_load_{os.getpid()}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(env: dict[str, str]) -> dict[str, Any]:
    veille = str(BIN / "veille")
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["demo", "--quiet"],
    ):
        started = time.monotonic()
        subprocess.run([veille, *command], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        print(f"  veille {' '.join(command)}: {time.monotonic() - started:.0f} s", flush=True)
    out = subprocess.run(
        [veille, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


@contextlib.contextmanager
def server(env: dict[str, str], workers: int, log: Path) -> Iterator[int]:
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "veille.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120",
             "--graceful-timeout", "5"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"the server stopped: see {log}")
                with contextlib.suppress(OSError):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not answer /healthz within 120 s")
                time.sleep(0.3)
            yield port
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# --- the clients ------------------------------------------------------------------------------------


def weighted(choices: list[tuple[str, int]], rng: random.Random) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


KEEP_ALIVE_S = 1.5  # below the server's keep-alive (gunicorn's default keepalive of 2 s)


class Client:
    def __init__(self, n: int, port: int, creds: dict[str, Any], run: Run, think: float) -> None:
        self.rng = random.Random(n)
        self.user = USERS[n % len(USERS)]
        self.anonymous = n % 7 == 6  # one client in seven reads pages without logging in
        self.port, self.creds, self.run, self.think = port, creds, run, think
        self.conn: http.client.HTTPConnection | None = None
        self.n = n
        self.writes = 0
        self.last_answer = 0.0  # time.monotonic() of the last answer on self.conn

    def request(
        self, cls: str, label: str, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> None:
        started = time.perf_counter()
        status, error = 0, ""
        try:
            if self.conn is not None and time.monotonic() - self.last_answer > KEEP_ALIVE_S:
                # the server closes a connection idle for its keep-alive time (gunicorn's keepalive,
                # 2 s): a client that waited longer opens a new one, and its request pays for it
                self.conn.close()
                self.conn = None
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            data = json.dumps(body) if body is not None else None
            self.conn.request(method, path, body=data, headers={"Host": "127.0.0.1", **headers})
            response = self.conn.getresponse()
            response.read()
            status = response.status
            self.last_answer = time.monotonic()
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
        except (OSError, http.client.HTTPException) as exc:
            status, error = 0, type(exc).__name__  # refused, reset or timed out: an error
            if self.conn is not None:
                self.conn.close()
            self.conn = None
        self.run.add(Sample(cls, label, status, time.perf_counter() - started, error))

    def token(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.creds['tokens'][user]}"}

    def one(self) -> None:
        cls = weighted([(c, w) for c, w in CLASSES], self.rng)
        if cls == "page":
            path = weighted(PAGES, self.rng)
            cookie = {} if self.anonymous else {"Cookie": f"sessionid={self.creds['sessions'][self.user]}"}
            self.request(cls, path, "GET", path, None, cookie)
        elif cls == "api read":
            path = weighted(API_READS, self.rng)
            self.request(cls, path.split("?")[0], "GET", path, None, self.token(self.user))
        else:
            self.write(weighted(WRITES, self.rng))

    def write(self, kind: str) -> None:
        self.writes += 1
        unique = f"{self.n}-{self.writes}-{secrets.token_hex(3)}"
        json_type = {"Content-Type": "application/json"}
        if kind == "pledge":
            body = {
                "nation": "NOR",
                "kind": "pledge",
                "amount": str(1_000_000 + self.n * 100_000 + self.writes),
                "currency": "NOK",
                "value_date": "2026-03-02",
                "source": "load test",
                "confirm_duplicate": True,
            }
            self.request("write", "POST /api/v1/purl/contributions", "POST", "/api/v1/purl/contributions",
                         body, {**self.token("nora"), **json_type})  # fmt: skip
        elif kind == "activity":
            body = {
                "key": f"load-{unique}",
                "name": f"Load test patrol {unique}",
                "kind": "patrol",
                "nation": "NOR",
                "sources": [{"url": "https://example.org/load", "date": "2026-03-01"}],
            }
            self.request("write", "POST /api/v1/arctic/activities", "POST", "/api/v1/arctic/activities",
                         body, {**self.token("nora"), **json_type})  # fmt: skip
        else:
            body = {
                "nation": "NOR",
                "title": f"Load test {unique}",
                "text": "observed",
                "observed_on": "2026-03-01",
            }
            self.request("write", "POST /api/v1/lessons/observations", "POST", "/api/v1/lessons/observations",
                         body, {**self.token("nora"), **json_type})  # fmt: skip

    def loop(self, until: float) -> None:
        while time.monotonic() < until:
            self.one()
            if self.think:
                time.sleep(self.rng.expovariate(1 / self.think))
        if self.conn is not None:
            self.conn.close()


def probe(port: int, creds: dict[str, Any]) -> list[str]:
    """Every path of the mix answers once before the run (as alice); those that do not are named."""
    wrong = []
    for path, _ in PAGES + API_READS:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Host": "127.0.0.1", "Cookie": f"sessionid={creds['sessions']['alice']}"}
        if path.startswith("/api/"):
            headers = {"Host": "127.0.0.1", "Authorization": f"Bearer {creds['tokens']['alice']}"}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            wrong.append(f"{path} ({response.status})")
    return wrong


def drive(port: int, creds: dict[str, Any], clients: int, seconds: float, think: float) -> Run:
    run = Run()
    until = time.monotonic() + seconds
    workers = [Client(n, port, creds, run, think) for n in range(clients)]
    threads = [threading.Thread(target=c.loop, args=(until,), daemon=True) for c in workers]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.monotonic() - started
    return run


# --- the report -------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def row(name: str, samples: list[Sample], seconds: float) -> dict[str, Any]:
    ok = [s.seconds for s in samples if 0 < s.status < 500]
    return {
        "name": name,
        "requests": len(samples),
        "rps": len(samples) / seconds if seconds else 0.0,
        "p50": pct(ok, 50) * 1000,
        "p95": pct(ok, 95) * 1000,
        "p99": pct(ok, 99) * 1000,
        "errors": sum(1 for s in samples if s.status == 0 or s.status >= 500),
        "unexpected": sum(1 for s in samples if 400 <= s.status < 500),
    }


def summarise(run: Run) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_class: dict[str, list[Sample]] = defaultdict(list)
    by_path: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    for s in run.samples:
        by_class[s.cls].append(s)
        by_path[(s.cls, s.path)].append(s)
    classes = [row("all requests", run.samples, run.seconds)]
    classes += [row(c, by_class[c], run.seconds) for c, _ in CLASSES if by_class[c]]
    paths = sorted(
        (row(f"{c}: `{p}`", v, run.seconds) for (c, p), v in by_path.items()), key=lambda r: -r["p50"]
    )
    return classes, paths


def error_kinds(run: Run) -> str:
    """What the errors were: ``3 x 500 on GET /x``, ``2 x TimeoutError on POST /y``."""
    kinds: dict[str, int] = defaultdict(int)
    for s in run.samples:
        if s.status == 0 or s.status >= 500:
            kinds[f"{s.error or s.status} on `{s.path}`"] += 1
    return "; ".join(f"{n} x {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))


def table(rows: list[dict[str, Any]], first: str) -> str:
    lines = [
        f"| {first} | requests | requests/s | p50 | p95 | p99 | errors | other 4xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['requests']:,} | {r['rps']:.1f} | {r['p50']:,.0f} ms | {r['p95']:,.0f} ms "
            f"| {r['p99']:,.0f} ms | {r['errors']} | {r['unexpected']} |"
        )
    return "\n".join(lines)


def section(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "## Load (`bench/load.py`)",
        "",
        f"Machine: {machine()}. Run {now}: {args.clients} clients for {args.seconds:.0f} s on each "
        f"database (think time {args.think:g} s), against `gunicorn veille.asgi:application -k "
        f"uvicorn_worker.UvicornWorker --workers {args.workers}` on 127.0.0.1 serving the demo data "
        "(`veille demo`); the clients run on the same machine. Mix: pages 45 % (the user's session, "
        "one client in seven anonymous), API reads 45 % (tokens), API writes 10 % (PURL pledges, Arctic "
        "activities, lessons-learned observations). Latencies of the answered requests; errors are 5xx, "
        "refused connections and time-outs.",
        "",
    ]
    for r in results:
        parts += [
            f"### {r['database']}",
            "",
            f"Load average (1 / 5 / 15 min) at the start: {r['load_start']}, at the end: {r['load_end']}"
            f"{BUSY if r['busy'] else ''}. Target: 0 errors, p95 under 500 ms for pages and API reads.",
            "",
            table(r["classes"], "class"),
            "",
            "Slowest paths (by p50):",
            "",
            table(r["paths"][:8], "path"),
            "",
        ]
        if r.get("saturated"):
            parts += [
                f"Secondary, the server's capacity: the same {args.clients} clients with no think time "
                f"(each sends its next request as soon as the answer is in) for {args.saturate:.0f} s, "
                "before the run above. Latency then grows with the number of clients (it is the queue), "
                "so this row measures requests per second, not the latency people get:",
                "",
                table(r["saturated"], "class"),
                "",
            ]
        if r["errors"]:
            parts += [f"Errors: {r['errors']}. The server's log: `{r['log']}`.", ""]
        if r["wrong"]:
            parts += [
                f"Paths of the mix that did not answer 200 before the run: {', '.join(r['wrong'])}.",
                "",
            ]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between a client's requests")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument(
        "--saturate",
        type=float,
        default=60.0,
        help="also run the same clients with no think time for this many seconds, first (the server's "
        "capacity: requests/s when every client sends its next request at once), reported apart",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("VEILLE_LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--no-doc", action="store_true", help="print the section, do not write docs/benchmarks.md"
    )
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for kind in kinds:
        folder = Path(tempfile.mkdtemp(prefix=f"veille-load-{kind}-"))
        try:
            with database(kind, folder, args.pg_url) as url:
                env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "VEILLE_TEST_DB")}
                env.update(
                    DATABASE_URL=url,
                    VEILLE_VAR_DIR=str(folder / "var"),
                    VEILLE_SECRET_KEY=secrets.token_urlsafe(48),
                    VEILLE_ALLOWED_HOSTS="127.0.0.1",
                    VEILLE_RATE_LIMIT_PER_MINUTE="1000000",
                    VEILLE_LOG_LEVEL="WARNING",
                )
                print(f"== {kind}: preparing the demo data in {folder}", flush=True)
                creds = prepare(env)
                with server(env, args.workers, folder / "server.log") as port:
                    wrong = probe(port, creds)
                    saturated = None
                    load_start = load_average()  # before any client, the saturation run included
                    busy = os.getloadavg()[0] > (os.cpu_count() or 1)
                    if args.saturate and args.think:
                        print(f"  {args.clients} clients, no think time, {args.saturate:.0f} s", flush=True)
                        saturated = summarise(drive(port, creds, args.clients, args.saturate, 0.0))[0]
                        print(table(saturated, "class"), flush=True)
                    print(f"  {args.clients} clients for {args.seconds:.0f} s", flush=True)
                    run = drive(port, creds, args.clients, args.seconds, args.think)
                    load_end = load_average()
                classes, paths = summarise(run)
                name = "SQLite" if kind == "sqlite" else "PostgreSQL"
                kept = ROOT / "var" / "bench-load" / f"{kind}-server.log"  # kept for the errors' causes
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / "server.log", kept)
                results.append({"database": name, "classes": classes, "paths": paths, "wrong": wrong,
                                "load_start": load_start, "load_end": load_end, "errors": error_kinds(run),
                                "busy": busy, "saturated": saturated,
                                "log": kept.relative_to(ROOT)})  # fmt: skip
                print(table(classes, "class"), flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    text = section(results, args)
    if args.no_doc:
        print(text)
    else:
        print(f"written to {write_section('load', text)}")


if __name__ == "__main__":
    main()
