"""Benchmark of the Arctic picture (``make bench`` / ``python bench/arctic.py``).

1. **Map layers**: an AIS store of 10,000 synthetic vessels and at least 100,000 positions, written
   by the seeded generator (``veille.core.ais.synth``, every sentence tagged ``s:synthetic``) and
   ingested by the store. The vessels and tracks layers are timed as served:

   - *baseline*: the straightforward implementation (``veille.arctic.layers.vessels`` / ``tracks``,
     rows fetched into Python, one dict per feature, ``json.dumps``), as the view served it before;
   - *DuckDB, first request*: ``veille.arctic.aislayers`` on the process's first request (a new
     DuckDB connection, nothing cached);
   - *DuckDB, after an ingest or new filters*: a request the cache has not seen (the connection is
     kept: its views read the store's folders at each query);
   - *DuckDB, repeated*: the same request again (answered from the cache).

   The two implementations' answers are compared (parsed JSON) on this store too.

2. **Alert latency under load**: ``veille ais replay`` serves a synthetic capture on 127.0.0.1 at
   1,000 messages per second to ``veille ais ingest tcp://127.0.0.1:PORT`` (both real commands, as
   subprocesses), while ``veille runserver`` serves the picture. The picture is open in headless
   Chromium (Playwright, Debian's ``/usr/bin/chromium``) and an SSE client reads the same stream
   (``/arctic/stream/``), both logged in as a user with a rule that matches every event; every
   second an event file is written to ``<store>/events/`` and the time until its alert is listed on
   the page (a MutationObserver's clock) and arrives on the SSE client is recorded. Separately,
   from the stored positions: the time from a sentence's scheduled send to its position being in
   the store (``received_at``).

Writes its section of docs/benchmarks.md between the ``bench:arctic`` markers.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
VEILLE = str(ROOT / ".venv" / "bin" / "veille")


def _env(tmp: Path, store: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        VEILLE_AIS_STORE=str(store),
        VEILLE_SECRET_KEY=env.get("VEILLE_SECRET_KEY") or secrets.token_urlsafe(48),
        VEILLE_ALLOWED_HOSTS="127.0.0.1",
        VEILLE_VAR_DIR=str(tmp / "var"),
        DJANGO_SETTINGS_MODULE="veille.settings",
    )
    return env


def _chunks(lines: Iterator[bytes], size: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def build_store(root: Path, vessels: int, points: int, seed: int) -> dict[str, int]:
    """At least ``vessels`` distinct MMSIs and ``points`` positions (the generator draws MMSIs at
    random, so a few may repeat: the fleet is grown until the store holds enough)."""
    from veille.core.ais.synth import generate
    from veille.maritime.store import AisStore

    asked = vessels
    while True:
        shutil.rmtree(root, ignore_errors=True)
        store = AisStore(root)
        # reports every 10 minutes: about 11 positions per vessel over two hours, inside the 24 h window
        messages = int(points * 1.05) + 1
        store.ingest(_chunks(generate(seed=seed, vessels=asked, messages=messages, report_s=600.0), 20_000))
        row = store.connect().execute("SELECT count(DISTINCT mmsi), count(*) FROM positions").fetchone()
        assert row is not None
        got, n = int(row[0]), int(row[1])
        if got >= vessels and n >= points:
            return {"vessels": got, "positions": n, "fleet_asked": asked}
        asked += max(vessels - got, 0) + 1
        points = max(points, n) if n >= points else points + (points - n)


def _times(fn: Callable[[], Any], before: Callable[[], None], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        before()
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def bench_layers(store: Path, repeat: int) -> dict[str, Any]:
    from django.conf import settings

    from veille.arctic import aislayers, layers
    from veille.arctic.geo import ARCTIC_BBOX
    from veille.web.exports import dumps

    settings.AIS_STORE = store
    allies = _nato()
    results: dict[str, Any] = {}
    for name in ("vessels", "tracks"):
        slow = getattr(layers, name)
        fast = getattr(aislayers, name)

        def baseline(slow: Any = slow) -> bytes:
            return dumps(slow(ARCTIC_BBOX, allies)).encode()

        def fresh() -> None:
            aislayers._bases.clear()
            aislayers.clear_cache()

        body = baseline()
        same = json.loads(fast(ARCTIC_BBOX, allies)) == json.loads(body)
        rows = {
            "baseline (straightforward)": _times(baseline, lambda: None, repeat),
            "DuckDB, first request (new connection)": _times(
                lambda fast=fast: fast(ARCTIC_BBOX, allies), fresh, repeat
            ),
            "DuckDB, after an ingest or new filters": _times(
                lambda fast=fast: fast(ARCTIC_BBOX, allies), aislayers.clear_cache, repeat
            ),
            "DuckDB, repeated": _times(lambda fast=fast: fast(ARCTIC_BBOX, allies), lambda: None, repeat),
        }
        results[name] = {"rows": rows, "same": same, "bytes": len(body), "features": body.count(b'"Feature"')}
    return results


def _nato() -> set[str]:
    import csv

    with (ROOT / "data" / "reference" / "nato_members.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    key = next(k for k in rows[0] if k.lower() in ("iso3", "code", "alpha3", "iso_a3"))
    return {r[key] for r in rows}


# --- live ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout_s: float = 60.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _capture(path: Path, rate: int, seconds: float, seed: int) -> tuple[int, float, float]:
    """A synthetic capture of ``rate * seconds`` messages; returns (lines, first and last time)."""
    from veille.core.ais.synth import generate

    lines = list(generate(seed=seed, vessels=200, messages=int(rate * seconds), report_s=10.0))
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    times = [_tag_time(line) for line in lines]
    times = [t for t in times if t is not None]
    return len(lines), min(times), max(times)


def _tag_time(line: bytes) -> float | None:
    """The ``c:`` (Unix time) of a sentence's tag block ``\\s:synthetic,c:1767225600*hh\\``."""
    if not line.startswith(b"\\"):
        return None
    for part in line[1 : line.find(b"*")].split(b","):
        if part.startswith(b"c:"):
            return float(part[2:])
    return None


class SseClient(threading.Thread):
    """Reads ``/arctic/stream/`` and notes when each alert arrives (by event id)."""

    def __init__(self, port: int, cookie: str) -> None:
        super().__init__(daemon=True)
        self.port, self.cookie = port, cookie
        self.arrived: dict[str, float] = {}
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.reconnects = 0

    def run(self) -> None:
        # as a browser's EventSource: when the server ends a stream (a stream also ends when the
        # database is busy), connect again after the `retry` delay with the last id seen
        last = ""
        while not self.stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            headers = {"Cookie": self.cookie} | ({"Last-Event-ID": last} if last else {})
            conn.request("GET", "/arctic/stream/?max_seconds=600", headers=headers)
            resp = conn.getresponse()
            kind = ""
            while True:
                line = resp.fp.readline()
                if not line:
                    break
                text = line.decode().rstrip("\n")
                if text.startswith("id: "):
                    last = text[4:]
                elif text.startswith("event: "):
                    kind = text[7:]
                    if kind == "hello":
                        self.ready.set()
                elif text.startswith("data: ") and kind == "alert":
                    self.arrived.setdefault(json.loads(text[6:])["event_id"], time.time())
            self.reconnects += 1
            conn.close()
            time.sleep(1.0)


def _write_event(folder: Path, i: int) -> tuple[str, float]:
    import datetime as dt

    import polars as pl

    event_id = f"bench-{i}"
    df = pl.DataFrame(
        {
            "event_id": [event_id],
            "type": ["gap"],
            "mmsi": [273_000_000 + i],
            "start": [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)],
            "end": [dt.datetime(2026, 1, 1, 7, tzinfo=dt.UTC)],
            "lat": [72.0],
            "lon": [35.0],
        }
    ).with_columns(
        pl.col("start").cast(pl.Datetime("us", "UTC")), pl.col("end").cast(pl.Datetime("us", "UTC"))
    )
    tmp = folder / f".{event_id}.tmp"
    df.write_parquet(tmp)
    os.replace(tmp, folder / f"{event_id}.parquet")  # appears whole, as a run's file does
    return event_id, time.time()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# records when each alert's list item appears on the page (mmsi 273000000 + i is event bench-i)
OBSERVE = """() => {
  window.__seen = {};
  const list = document.getElementById("alert-list");
  new MutationObserver(() => {
    for (const li of list.querySelectorAll("li[data-alert]")) {
      const m = li.textContent.match(/273\\d{6}/);
      if (m && !(m[0] in window.__seen)) { window.__seen[m[0]] = Date.now(); }
    }
  }).observe(list, { childList: true, subtree: true });
}"""


def _open_page(port: int, cookie: str, closers: list[Any]) -> Any:
    """The picture open in headless Chromium (Debian's), logged in with the session cookie."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    closers.append(pw.stop)
    browser = pw.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
    )
    closers.append(browser.close)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    name, _, value = cookie.partition("=")
    context.add_cookies([{"name": name, "value": value, "url": f"http://127.0.0.1:{port}"}])
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{port}/arctic/")
    page.wait_for_selector("#arctic-alerts[data-live=true]", timeout=60_000)
    page.evaluate(OBSERVE)
    return page


def bench_live(tmp: Path, rate: int, seconds: float, seed: int, browser: bool = True) -> dict[str, Any]:
    store = tmp / "live"
    env = _env(tmp, store)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "VEILLE_AIS_STORE", "VEILLE_SECRET_KEY")})
    subprocess.run([VEILLE, "migrate", "-v0"], env=env, check=True)
    if browser:  # the page's scripts, served by WhiteNoise as in production
        subprocess.run([VEILLE, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    capture = tmp / "live.nmea"
    n_lines, first_t, last_t = _capture(capture, rate, seconds, seed)
    speed = (last_t - first_t) * rate / int(rate * seconds)  # the capture's messages in `seconds`
    cookie, user = _login()
    from veille.arctic.services import do_add_rule
    from veille.maritime.store import AisStore
    from veille.nations.access import Actor

    do_add_rule(Actor.for_user(user))  # every zone, flag and event type
    web_port = _free_port()
    procs: list[subprocess.Popen[bytes]] = []
    procs_pw: list[Any] = []
    on_page: list[float] = []
    try:
        procs.append(
            subprocess.Popen(
                [
                    VEILLE,
                    "runserver",
                    f"127.0.0.1:{web_port}",
                    "--noreload",
                    "--insecure",
                ],  # page's static files
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait_port(web_port)
        (store / "events").mkdir(parents=True, exist_ok=True)
        sse = SseClient(web_port, cookie)
        sse.start()
        if not sse.ready.wait(60):
            raise RuntimeError("the stream did not open")
        page = _open_page(web_port, cookie, procs_pw) if browser else None
        replay = subprocess.Popen(
            [VEILLE, "ais", "replay", str(capture), "--port", "0", "--speed", f"{speed:.6f}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        procs.append(replay)
        assert replay.stderr is not None
        # "serving FILE on 127.0.0.1:PORT" (a probe connection would take the replay's one client)
        feed_port = int(replay.stderr.readline().decode().rsplit(":", 1)[1])
        ingest = subprocess.Popen(
            [VEILLE, "ais", "ingest", f"tcp://127.0.0.1:{feed_port}", "--until", f"{int(seconds) + 20}s",
             "--format", "json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        procs.append(ingest)
        # wait for the feed to flow, then plant one event a second while it does
        positions = store / "positions"
        end = time.monotonic() + 60
        while not any(positions.glob("day=*/*.parquet")) and time.monotonic() < end:
            time.sleep(0.05)
        written: dict[str, float] = {}
        t_end = time.monotonic() + seconds - 5
        i = 0
        while time.monotonic() < t_end:
            event_id, at = _write_event(store / "events", i)
            written[event_id] = at
            i += 1
            if page is not None:
                page.wait_for_timeout(1000)  # Playwright's sync API must keep running
            else:
                time.sleep(1.0)
        if page is not None:
            page.wait_for_timeout(3000)
            seen = page.evaluate("() => window.__seen")
            on_page = [seen[str(273_000_000 + int(e.split("-")[1]))] / 1000 - t for e, t in written.items()
                       if str(273_000_000 + int(e.split("-")[1])) in seen]  # fmt: skip
        else:
            time.sleep(3.0)
        procs[1].wait(timeout=seconds + 30)  # the replay ends when the capture is sent
        out, _ = ingest.communicate(timeout=seconds + 60)
        summary = json.loads(out[out.index(b"{") :])
    finally:
        for closer in reversed(procs_pw):
            with contextlib.suppress(Exception):
                closer()
        for p in procs:
            if p.poll() is None:
                p.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    p.wait(timeout=10)
    sse.stop.set()
    latencies = [sse.arrived[e] - t for e, t in written.items() if e in sse.arrived]
    lag = _ingest_lag(store, first_t, speed)
    row = (
        AisStore(store)
        .connect()
        .execute("SELECT count(*), epoch_us(max(received_at) - min(received_at)) / 1e6 FROM positions")
        .fetchone()
    )
    positions_per_s = (row[0] / row[1]) if row and row[1] else 0.0
    return {
        "capture_lines": n_lines,
        "speed": speed,
        "ingest": summary,
        "events_planted": len(written),
        "alerts_received": len(latencies),
        "alert_s": latencies,
        "page_s": on_page,
        "sse_reconnects": sse.reconnects,
        "ingest_lag_s": lag,
        "positions_per_s": positions_per_s,
    }


def _login() -> tuple[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from veille.nations.access import Actor
    from veille.nations.services import do_create_demo_users, do_load_reference

    do_load_reference(Actor.system_process("bench"))
    do_create_demo_users(Actor.system_process("bench"))
    user = get_user_model().objects.get(username="pawel")  # the demo's Poland viewer
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}", user


def _ingest_lag(store: Path, first_t: float, speed: float) -> list[float]:
    """Seconds from a sentence's scheduled send (the replay sends the capture's time ``t`` at
    ``T0 + (t - first) / speed``) to its position in the store (``received_at``). T0 is not
    observable from outside the replay; it is taken as the earliest it can be, so the quickest
    position counts as 0 s and every lag is a lower bound (by that quickest position's own lag)."""
    from veille.maritime.store import AisStore

    rows = (
        AisStore(store)
        .connect()
        .execute("SELECT epoch_us(timestamp) / 1e6, epoch_us(received_at) / 1e6 FROM positions")
        .fetchall()
    )
    if not rows:
        return []
    offsets = [rx - (t - first_t) / speed for t, rx in rows]
    t0 = min(offsets)
    return [o - t0 for o in offsets]


# --- report ----------------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores visible, load average {load:.1f} at the start; "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def render(
    machine: str, store: dict[str, int], layers: dict[str, Any], live: dict[str, Any] | None, note: str
) -> str:
    import duckdb
    import polars as pl

    lines = [
        f"Machine: {machine}; DuckDB {duckdb.__version__}, Polars {pl.__version__}.",
        "",
        f"**Map layers** on a synthetic store (seeded generator, sentences tagged `s:synthetic`): "
        f"{store['vessels']:,} vessels, {store['positions']:,} positions, all inside the layers' default "
        "24 h window; whole Arctic bounding box. Time to produce the response body, median and worst "
        "of the runs (baseline: the previous straightforward implementation, measured in the same run).",
        "",
        "| layer | implementation | median | worst | vs baseline (median) |",
        "|---|---|---:|---:|---:|",
    ]
    for name, res in layers.items():
        base = statistics.median(res["rows"]["baseline (straightforward)"])
        for label, ts in res["rows"].items():
            med = statistics.median(ts)
            ratio = "" if label.startswith("baseline") else f"{base / med:,.1f} times faster"
            lines.append(f"| {name} | {label} | {med * 1000:,.1f} ms | {max(ts) * 1000:,.1f} ms | {ratio} |")
    lines.append("")
    lines.append(
        "Same content as the baseline (parsed JSON compared): "
        + ", ".join(
            f"{n} {'yes' if r['same'] else 'NO'} ({r['features']:,} features, {r['bytes'] / 1e6:.1f} MB)"
            for n, r in layers.items()
        )
        + "."
    )
    lines.append("")
    if live is None:
        lines.append(f"**Alert latency**: not measured in this run ({note}).")
    else:
        ing = live["ingest"]
        alert = live["alert_s"]
        lag = live["ingest_lag_s"]
        rate = live["positions_per_s"] * ing.get("messages", 0) / max(ing.get("positions", 0), 1)
        lines += [
            f"**Alert latency under load**: `veille ais replay` served {live['capture_lines']:,} synthetic "
            f"sentences on 127.0.0.1 (at {live['speed']:.1f} times the capture's clock) to "
            f"`veille ais ingest tcp://…`, which stored {ing.get('messages', 0):,} messages, "
            f"{rate:,.0f} messages/s "
            "from the first position stored to the last "
            f"({ing.get('positions', 0):,} positions, {ing.get('rejected_total', 0)} rejected); `veille "
            "runserver` served the picture to a headless Chromium page (Playwright, `/usr/bin/chromium`; "
            "the time an alert's list item appears, from a MutationObserver) and its stream to an SSE "
            "client as well, logged in as the same user (a rule matching every event). The database is "
            f"SQLite; a stream ends when it is busy and the client connects again, as a browser does "
            f"(the SSE client did {live.get('sse_reconnects', 0)} times).",
            "",
            "| leg | samples | median | 95th percentile | worst |",
            "|---|---:|---:|---:|---:|",
        ]
        if lag:
            lines.append(
                f"| sentence sent → position in the store (lower bound, see below) | {len(lag):,} | "
                f"{statistics.median(lag) * 1000:,.0f} ms | {_pct(lag, 0.95) * 1000:,.0f} ms | "
                f"{max(lag) * 1000:,.0f} ms |"
            )
        page_s = live.get("page_s") or []
        if page_s:
            lines.append(
                f"| event file in the store → alert listed on the open page (headless Chromium) | "
                f"{len(page_s)} of {live['events_planted']} | {statistics.median(page_s) * 1000:,.0f} ms | "
                f"{_pct(page_s, 0.95) * 1000:,.0f} ms | {max(page_s) * 1000:,.0f} ms |"
            )
        if alert:
            lines.append(
                f"| event file in the store → alert on the open stream | {len(alert)} of "
                f"{live['events_planted']} | {statistics.median(alert) * 1000:,.0f} ms | "
                f"{_pct(alert, 0.95) * 1000:,.0f} ms | {max(alert) * 1000:,.0f} ms |"
            )
        lines += [
            "",
            "The first leg's send times are the replay's schedule from an origin taken as early as "
            "possible (the quickest position counts as 0 s), so it is a lower bound. "
            f"{note}",
        ]
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"<!-- bench:arctic -->\n## Arctic picture (`bench/arctic.py`)\n\n{text}\n<!-- /bench:arctic -->"
    pattern = re.compile(r"<!-- bench:arctic -->.*?<!-- /bench:arctic -->", re.S)
    doc = (
        pattern.sub(lambda _: block, doc) if pattern.search(doc) else doc.rstrip("\n") + "\n\n" + block + "\n"
    )
    DOC.write_text(doc, encoding="utf-8")


MISSING = (
    "The sentence → alert path end to end is not timed here yet: "
    "`veille ais watch tcp://… --save` runs the streaming detectors on a live feed and stores each "
    "completed event where the stream reads it, but the benchmark still plants event files itself; "
    "timing a replayed capture with planted events through `watch --save` to the page is what "
    "remains. That latency is the legs above plus the detector's own delay (an event exists only "
    "when it is complete, e.g. a gap after 6 h of silence)."
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--vessels", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rate", type=int, default=1_000, help="messages per second replayed")
    parser.add_argument("--seconds", type=float, default=40.0, help="length of the replay")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-live", action="store_true", help="time the layers only")
    parser.add_argument("--no-browser", action="store_true", help="the SSE client only, no Chromium page")
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs/benchmarks.md")
    args = parser.parse_args()
    machine = _machine()
    tmp = Path(tempfile.mkdtemp(prefix="veille-bench-arctic-"))
    try:
        env = _env(tmp, tmp / "layers")
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "VEILLE_AIS_STORE", "VEILLE_SECRET_KEY")})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veille.settings")
        import django

        django.setup()
        print("building the store …", file=sys.stderr)
        store = build_store(tmp / "layers", args.vessels, args.points, args.seed)
        print(store, file=sys.stderr)
        layer_results = bench_layers(tmp / "layers", args.repeat)
        live = (
            None
            if args.no_live
            else bench_live(tmp, args.rate, args.seconds, args.seed + 1, not args.no_browser)
        )
        text = render(machine, store, layer_results, live, MISSING if not args.no_live else "--no-live")
        print(text)
        if not args.no_write:
            write_doc(text)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
