"""``veille backup`` and ``veille restore`` on the database this run uses (SQLite, or PostgreSQL
with ``VEILLE_TEST_DB=postgres``): a populated instance (``veille demo``: every shipped dataset, the
PURL workflow, the AIS captures and scenario with their events; then alerts) is backed up and
restored into a fresh one, which shows the same pages, the same ledger balances now and as of a
past date, and the same AIS store. Damaged, foreign and newer archives are refused, naming the file,
with nothing written.

Each instance is a real ``veille`` in its own folder (``VEILLE_VAR_DIR``) and database, run as a
subprocess, as an operator runs it."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from veille.web.backup import MANIFEST, store_digest

pytestmark = pytest.mark.slow
VEILLE = Path(sys.executable).with_name("veille")
POSTGRES = os.environ.get("VEILLE_TEST_DB") == "postgres"

PAGES = [
    "/",
    "/purl/",
    "/purl/lists/",
    "/purl/contributions/",
    "/purl/record/",
    "/support/",
    "/support/claims/",
    "/spending/",
    "/industry/",
    "/council/",
    "/lessons/",
    "/training/",
    "/arctic/",
    "/arctic/alerts/",
    "/ledger/",
    "/nations/",
    "/notices/",
    "/people/",
    "/api/v1/ledger/balances",
    "/api/v1/ledger/balances?synthetic=true",
    "/api/v1/ledger/balances?as_of=2026-01-31",
    "/api/v1/ledger/balances?as_of=2026-01-31&synthetic=true",
    "/api/v1/ledger/events?as_of=2026-01-31",
    "/api/v1/arctic/alerts",
]

RENDER = """
import json, re, sys, hashlib
from pathlib import Path
from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.test import Client
# rendering the pages changes nothing in the instance (not even the last login shown on /people/)
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
client = Client()
client.force_login(get_user_model().objects.get(username="alice"))
for i, path in enumerate(json.loads(sys.argv[2])):
    r = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    body = r.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", body)
    (out / f"{i:02d}.txt").write_text(f"{path} {r.status_code}\\n{body}")
"""

ALERTS = """
from django.conf import settings
from django.contrib.auth import get_user_model
from veille.arctic import services
from veille.maritime.event_files import event_records
events = event_records(settings.AIS_STORE, after_files=set())
raised = sum(services.do_raise_alerts(services.ALERT_STREAM, u, events)
             for u in get_user_model().objects.filter(username__in=["alice", "nora"]))
print(raised)
"""


@dataclass
class Instance:
    folder: Path
    database_url: str

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("VEILLE_AIS_STORE", "DATABASE_URL")}
        env.update(
            VEILLE_VAR_DIR=str(self.folder),
            VEILLE_TEST_DB="sqlite",
            DATABASE_URL=self.database_url,
            PYTHONPATH=str(Path(__file__).resolve().parents[2]),
        )
        return env

    @property
    def store(self) -> Path:
        return self.folder / "ais"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(VEILLE), *args], env=self.env, capture_output=True, text=True, timeout=900, check=False
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"veille {' '.join(args)}: exit {done.returncode}\n{done.stderr}\n{done.stdout}"
            )
        return done

    def python(self, code: str, *args: str) -> str:
        script = self.folder / f"script-{uuid.uuid4().hex}.py"
        script.write_text("import django\ndjango.setup()\n" + code)
        env = self.env | {"DJANGO_SETTINGS_MODULE": "veille.settings"}
        done = subprocess.run(
            [sys.executable, str(script), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        script.unlink()
        assert done.returncode == 0, done.stderr
        return done.stdout

    def pages(self, out: Path) -> dict[str, str]:
        self.python(RENDER, str(out), json.dumps(PAGES))
        return {PAGES[int(f.stem)]: f.read_text() for f in sorted(out.glob("*.txt"))}


class Databases:
    """Fresh databases for the instances: SQLite files in their folders, or PostgreSQL databases
    made (and dropped) beside the test database."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def new(self, folder: Path) -> Instance:
        folder.mkdir(parents=True, exist_ok=True)
        if not POSTGRES:
            return Instance(folder, "")
        base = urlsplit(os.environ["VEILLE_TEST_POSTGRES_URL"])
        name = f"veille_backup_{os.getpid()}_{len(self.made)}"
        self._psql(f"DROP DATABASE IF EXISTS {name}")
        self._psql(f"CREATE DATABASE {name}")
        self.made.append(name)
        return Instance(folder, urlunsplit(base._replace(path=f"/{name}")))

    def _psql(self, sql: str) -> None:
        import psycopg

        base = urlsplit(os.environ["VEILLE_TEST_POSTGRES_URL"])
        with psycopg.connect(urlunsplit(base._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def drop(self) -> None:
        for name in self.made:
            self._psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def databases() -> Iterator[Databases]:
    dbs = Databases()
    yield dbs
    dbs.drop()


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> tuple[Instance, Path]:
    """A populated instance and its backup."""
    source = databases.new(tmp_path_factory.mktemp("source"))
    source.run("migrate", "-v0")
    source.run("demo", "--quiet")
    assert int(source.python(ALERTS)) > 0, "the demo's events raise alerts"
    archive = source.folder.parent / "backup.tar"
    done = source.run("backup", str(archive))
    assert "files" in done.stdout
    return source, archive


def test_a_restored_instance_shows_what_the_backed_up_one_showed(
    backed_up: tuple[Instance, Path], databases: Databases, tmp_path: Path
) -> None:
    source, archive = backed_up
    target = databases.new(tmp_path / "target")
    target.run("migrate", "-v0")  # a fresh instance, set up but empty
    target.run("restore", str(archive))

    assert store_digest(target.store) == store_digest(source.store)
    assert len(list(target.store.rglob("*.parquet"))) > 3, "positions, vessels and events came back"
    before, after = source.pages(tmp_path / "source-pages"), target.pages(tmp_path / "target-pages")
    assert list(after) == PAGES
    for path in PAGES:
        assert before[path].split("\n", 1)[0].endswith(" 200"), before[path][:300]
    differ = {
        path: _first_difference(before[path], after[path]) for path in PAGES if after[path] != before[path]
    }
    assert not differ, "pages that differ after the restore:\n" + "\n".join(
        f"{p}: {d}" for p, d in differ.items()
    )
    balances = json.loads(after["/api/v1/ledger/balances?synthetic=true"].split("\n", 1)[1])
    assert balances["totals"], "the ledger has balances to compare"


def _first_difference(a: str, b: str) -> str:
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"…{a[max(0, i - 120) : i + 120]!r} became …{b[max(0, i - 120) : i + 120]!r}"


def test_a_restore_into_an_instance_that_is_not_empty_is_refused(
    backed_up: tuple[Instance, Path], tmp_path: Path
) -> None:
    source, archive = backed_up
    digest = store_digest(source.store)
    done = source.run("restore", str(archive), check=False)
    assert done.returncode == 3 and "not empty" in done.stderr
    assert store_digest(source.store) == digest


def _rewrite(archive: Path, out: Path, *, drop: str | None = None, manifest: dict | None = None) -> None:
    with tarfile.open(archive) as src, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as dst:
        for info in src:
            if info.name == drop:
                continue
            data = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == MANIFEST and manifest is not None:
                data = json.dumps(manifest).encode()
                info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]


def _refused(target: Instance, archive: Path, why: str) -> None:
    done = target.run("restore", str(archive), check=False)
    assert done.returncode == 3, done.stderr
    assert re.search(why, done.stderr), done.stderr
    assert not target.store.exists() or not any(p.is_file() for p in target.store.rglob("*"))
    users = target.python(
        "from django.contrib.auth import get_user_model\nprint(get_user_model().objects.count())"
    )
    assert users.strip() == "0", "nothing was written"


@pytest.fixture
def empty(databases: Databases, tmp_path: Path) -> Instance:
    target = databases.new(tmp_path / "empty")
    target.run("migrate", "-v0")
    return target


def test_a_changed_byte_is_refused_naming_the_file(backed_up: tuple[Instance, Path], empty: Instance) -> None:
    _source, archive = backed_up
    damaged = empty.folder / "damaged.tar"
    damaged.write_bytes(archive.read_bytes())
    with tarfile.open(archive) as tar:
        part = next(i for i in tar if i.name.startswith("ais/positions/") and i.size > 100)
    with damaged.open("r+b") as f:
        f.seek(part.offset_data + part.size // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))
    _refused(empty, damaged, re.escape(part.name) + " is damaged")


def test_a_missing_part_is_refused_naming_it(backed_up: tuple[Instance, Path], empty: Instance) -> None:
    _source, archive = backed_up
    name = next(n for n in _manifest(archive)["files"] if n.startswith("ais/vessels/"))
    partial = empty.folder / "partial.tar"
    _rewrite(archive, partial, drop=name)
    _refused(empty, partial, re.escape(name) + " is missing")


def test_an_archive_from_a_newer_schema_is_refused_naming_the_migration(
    backed_up: tuple[Instance, Path], empty: Instance
) -> None:
    _source, archive = backed_up
    manifest = _manifest(archive)
    manifest["migrations"].append(["nations", "9999_from_the_future"])
    newer = empty.folder / "newer.tar"
    _rewrite(archive, newer, manifest=manifest)
    _refused(empty, newer, "newer veille .*nations.9999_from_the_future")


def test_a_foreign_archive_is_refused(empty: Instance) -> None:
    foreign = empty.folder / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        data = b"not veille"
        info = tarfile.TarInfo("README")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    _refused(empty, foreign, "not a veille backup")
    garbage = empty.folder / "garbage.tar"
    garbage.write_bytes(b"\x00garbage" * 100)
    _refused(empty, garbage, "not a (readable tar archive|veille backup)")
