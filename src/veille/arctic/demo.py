"""What ``veille demo`` loads for the Arctic picture: the public starter set of allied activities, the
real AIS captures shipped in ``data/ais/``, a small seeded synthetic Arctic scenario with planted
events (``veille.core.events.scenario``, every sentence tagged ``s:synthetic``), and one run of the
event detectors over the store, so the map shows vessels, tracks and events on first start.

The scenario ends at the time of the load (it starts ``SCENARIO_DAYS`` before), so the slider, which
opens at the store's last position, opens on its last day. The captures' sentences that carry no
time are stamped with the time they are loaded, as ``veille ais ingest`` stamps a live feed.

Idempotent: what was loaded into the store is written to ``<store>/demo-arctic.json``; a second run
finds it and changes nothing (delete the store folder to load again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from veille.arctic.importers import IMPORTERS
from veille.kit.importers import no_progress
from veille.nations.access import Actor

SCENARIO_DAYS = 4  # two rounds of planted events (each takes two days)
SCENARIO_SEED = 1
SCENARIO_BACKGROUND = 30  # background vessels; with the planted ones, under a hundred in all
CAPTURE_SUFFIXES = (".nmea", ".aivdm", ".nmea.gz")
STAMP = "demo-arctic.json"


def load(console: Any) -> dict[str, object]:
    importer = IMPORTERS["arctic-activities"]
    summary = importer.run(
        settings.DATA_DIR / importer.default_path, Actor.system_process("demo"), no_progress, False
    )
    return {
        "Arctic activities (public starter set)": f"created {summary.created}, updated {summary.updated}, "
        f"unchanged {summary.unchanged}",
        "Arctic AIS (captures, synthetic scenario, events)": load_ais(Path(settings.AIS_STORE)),
        "Arctic alert rules of the demo users": seed_alert_rules(),
    }


def captures(data_dir: Path) -> list[Path]:
    folder = Path(data_dir) / "ais"
    return sorted(p for p in folder.iterdir() if p.name.endswith(CAPTURE_SUFFIXES)) if folder.is_dir() else []


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_ais(
    root: Path,
    now: dt.datetime | None = None,
    days: int = SCENARIO_DAYS,
    background: int = SCENARIO_BACKGROUND,
) -> str:
    """Load the captures, the scenario and the events into the store at ``root``, once; ``now`` is
    the load time (the captures' untimed sentences get it, the scenario ends on its day)."""
    from veille.core.ais.sources import file_batches, line_batches
    from veille.core.events.scenario import generate
    from veille.maritime.event_runs import run_events
    from veille.maritime.store import AisStore

    stamp_path = root / STAMP
    if stamp_path.is_file():
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        return f"unchanged (loaded {stamp['loaded_at'][:10]}; {stamp_path})"
    loaded_at = now or dt.datetime.now(dt.UTC)
    store = AisStore(root)
    loaded: list[dict[str, Any]] = []
    untimed = 0
    for path in captures(Path(settings.DATA_DIR)):
        # a sentence without a tag block's source says which capture it came from
        s = store.ingest(file_batches(str(path)), clock=loaded_at.timestamp, source=path.name)
        untimed += s.untimed
        loaded.append({"file": path.name, "sha256": _sha256(path), "positions": s.positions})
    # the scenario ends at the load time, so the map's default (the last 24 h) shows its last day
    start = (loaded_at - dt.timedelta(days=days)).replace(second=0, microsecond=0)
    scenario = generate(days=days, seed=SCENARIO_SEED, start=start, background=background)
    s = store.ingest(line_batches(scenario.lines()), source="synthetic")
    manifest = scenario.manifest()
    (root / "demo-scenario-manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    run = run_events(store, now=loaded_at)
    stamp = {
        "loaded_at": loaded_at.isoformat(),
        "captures": loaded,
        "captures_without_time": untimed,
        "scenario": {
            "synthetic": True,
            "seed": SCENARIO_SEED,
            "days": days,
            "start": start.isoformat(),
            "background_vessels": background,
            "positions": s.positions,
            "planted_events": len(manifest["events"]),
        },
        "events_run": run.run_id,
        "events": run.events.height,
    }
    stamp_path.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return (
        f"{sum(c['positions'] for c in loaded):,} positions from {len(loaded)} captures "
        f"({untimed:,} messages without a time, stamped on loading); synthetic scenario of "
        f"{days} days from {start.date()}: {s.positions:,} positions, "
        f"{len(manifest['events'])} planted events; detectors found {run.events.height} events"
    )


# --- alert rules and the live feed of the demo ----------------------------------------------------

#: every demo user with a membership is alerted to events of non-allied vessels, anywhere
DEMO_RULE = {"zone": "", "flag": "FOREIGN", "event_type": ""}

FEED_DAYS = 2
FEED_BACKGROUND = 8
FEED_SEED_BASE = 100  # the n-th feed of a store uses seed 100 + n: fresh vessels every time
FEED_SPEED = 600.0  # two days of traffic in under five minutes, about 150 sentences a second


def seed_alert_rules() -> str:
    """One rule per demo user with a membership, so that the demo's live feed raises alerts on
    their open pages (users change or delete it at /arctic/alerts/). Idempotent."""
    from django.contrib.auth import get_user_model

    from veille.arctic.models import AlertRule
    from veille.arctic.services import do_add_rule
    from veille.nations.services import DEMO_USERS

    users = get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS if u[2] is not None])
    added = 0
    for user in users:
        actor = Actor.for_user(user, via="demo")
        if actor.membership is None or AlertRule.objects.filter(user=user).exists():
            continue
        do_add_rule(actor, **DEMO_RULE)
        added += 1
    return f"{added} added (non-allied flags, any zone, any event type)"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _veille() -> list[str]:
    """How to run this veille's command line in a child process."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / "veille"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("veille")
    return [found] if found else [sys.executable, "-c", "from veille.cli import main; main()"]


def run_feeds(root: Path, rounds: int | None = None, **options: Any) -> Iterator[dict[str, Any]]:
    """:func:`run_feed` again and again, a fresh scenario (the next seed, ending at that moment)
    each time one ends: ``rounds`` times, or until stopped (``None``: ``veille demo --feed
    --loop``, so that the picture stays live as long as the demo runs). Yields each feed's summary;
    an interrupted feed is the last."""
    done = 0
    while rounds is None or done < rounds:
        result = run_feed(root, **options)
        done += 1
        yield result
        if result.get("interrupted"):
            return


def run_feed(
    root: Path,
    now: dt.datetime | None = None,
    days: int = FEED_DAYS,
    background: int = FEED_BACKGROUND,
    speed: float = FEED_SPEED,
    margin_s: int = 15,
) -> dict[str, Any]:
    """The demo's live picture: a fresh seeded synthetic scenario (tagged ``s:synthetic``) of the
    ``days`` before ``now``, served by two ``veille ais replay`` at ``speed`` x real time and read
    by ``veille ais ingest tcp://…`` (positions) and ``veille ais watch tcp://… --save`` (events,
    which the open pages' streams turn into alerts), exactly as a real feed would be read.

    Blocks until the replay is over and the readers have stopped (or SIGTERM/SIGINT, which stop
    the children as Ctrl-C would, so they write what they read). The scenario, its manifest and
    the readers' output are kept in ``<store>/demo-feed/``."""
    import signal
    import subprocess

    from veille.core.events.scenario import generate

    folder = root / "demo-feed"
    folder.mkdir(parents=True, exist_ok=True)
    seed = FEED_SEED_BASE + len(list(folder.glob("feed-*.json")))
    now = now or dt.datetime.now(dt.UTC)
    start = (now - dt.timedelta(days=days)).replace(second=0, microsecond=0)
    scenario = generate(days=days, seed=seed, start=start, background=background)
    nmea = folder / f"feed-{seed}.nmea"
    lines = list(scenario.lines())
    nmea.write_bytes(b"\n".join(lines) + b"\n")
    manifest = scenario.manifest() | {"feed": {"seed": seed, "speed": speed, "lines": len(lines)}}
    (folder / f"feed-{seed}.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    # the readers stop on their own once the replay is over (it lasts span / speed)
    until = f"{int(days * 86400 / speed) + margin_s}s"
    log = (folder / f"feed-{seed}.log").open("ab")
    veille = _veille()
    ports = [_free_port(), _free_port()]
    children: list[subprocess.Popen[bytes]] = []

    def start_child(*args: str, stdout: Any = None) -> subprocess.Popen[bytes]:
        child = subprocess.Popen([*veille, *args], stdout=stdout or log, stderr=log)  # noqa: S603 - our own CLI
        children.append(child)
        return child

    def stop(*_: Any) -> None:
        raise KeyboardInterrupt

    # SIGINT and SIGTERM stop the feed, and its children with it; handled (not ignored) here, so
    # that the children start with the default Ctrl-C behaviour even under a shell's `&`
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        replays = [
            start_child("ais", "replay", str(nmea), "--port", str(p), "--speed", str(speed)) for p in ports
        ]
        store = ["--store", str(root)]
        ingest = start_child("ais", "ingest", f"tcp://127.0.0.1:{ports[0]}", "--until", until,
                             "--format", "json", *store, stdout=subprocess.PIPE)  # fmt: skip
        watch = start_child("ais", "watch", f"tcp://127.0.0.1:{ports[1]}", "--until", until, "--save", *store,
                            stdout=subprocess.DEVNULL)  # fmt: skip
        out, _ = ingest.communicate()
        watch.wait()
        # the readers stop at --until; a replay still running then waits for a client that will not
        # come (a reader that started late on a loaded machine): it has nothing left to serve
        for child in replays:
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.terminate()
                child.wait(timeout=10)
    except KeyboardInterrupt:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        return {"seed": seed, "lines": len(lines), "interrupted": True}
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.close()
    try:
        positions = json.loads(out.decode() or "{}").get("positions")
    except ValueError:
        positions = None
    runs = sorted((root / "events" / "runs").glob("live-*.json"), key=lambda p: p.stat().st_mtime)
    events = json.loads(runs[-1].read_text(encoding="utf-8")).get("events") if runs else 0
    return {"seed": seed, "lines": len(lines), "positions": positions, "events": events,
            "exit_codes": [c.returncode for c in children]}  # fmt: skip
