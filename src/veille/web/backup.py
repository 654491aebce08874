"""``veille backup OUT.tar`` and ``veille restore IN.tar``: one archive holds a consistent snapshot of
the database and of the AIS store, with a manifest of SHA-256 sums.

Archive layout (an uncompressed tar; the Parquet parts and the dump are compressed already)::

    manifest.json                  format, veille's version, when, the database's kind, the applied
                                   migrations, and the SHA-256 and size of every other member
    database/veille.sqlite3        SQLite: a copy made through SQLite's online backup API
    database/veille.pgdump         PostgreSQL: ``pg_dump --format=custom`` (one snapshot)
    ais/…                          the AIS store: Parquet parts, event files and their stamps

Consistency: the database is copied in one transaction (SQLite's backup API, ``pg_dump``'s
snapshot). The AIS store's files are written whole and renamed into place, never changed in place,
so the backup first takes hard links of every file of the store at one instant (copies where the
archive is on another file system), then reads those.

A restore goes into an empty instance (no user account in its database, nothing in its AIS store).
It reads the whole archive into a staging folder and checks it before it writes anything: the
manifest must be veille's, made by a veille whose migrations this one knows (an archive from a
newer schema is refused, naming the migration), for the same kind of database; every member must
be listed with its sum and every listed member present. Then the database is put in place (SQLite:
the file, renamed; PostgreSQL: ``pg_restore`` in one transaction), the AIS store moved in, and
``migrate`` brings an archive from an older veille up to this one's schema.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

import veille
from veille.web.exceptions import ArchiveRefused, BackupFailed

__all__ = ["FORMAT", "MANIFEST", "Manifest", "backup", "check_archive", "restore", "store_digest"]

FORMAT = "veille-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/veille.sqlite3"
PGDUMP_MEMBER = "database/veille.pgdump"
AIS_PREFIX = "ais/"
CHUNK = 1 << 20

Say = Callable[[str], None]


@dataclass
class Manifest:
    vendor: str
    migrations: list[list[str]]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    veille_version: str = veille.__version__
    created_at: str = ""
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _store_files(root: Path) -> Iterator[Path]:
    """Every file of the AIS store, in a stable order; hidden temporary files (being written) left out."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def store_digest(root: Path) -> str:
    """One SHA-256 over the AIS store's files: their paths and contents (the same store, the same sum)."""
    h = hashlib.sha256()
    for f in _store_files(root):
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        h.update(_sha256(f).encode() + b"\n")
    return h.hexdigest()


def _db() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _vendor() -> str:
    return str(connection.vendor)


def _applied() -> list[list[str]]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "django_migrations" not in tables:
            return []
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [[str(app), str(name)] for app, name in cursor.fetchall()]


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupFailed(f"{cmd[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupFailed(f"{what} failed: {done.stderr.strip() or done.stdout.strip()}")


# --- backup ----------------------------------------------------------------------------------


def _snapshot_database(folder: Path) -> tuple[str, Path]:
    db = _db()
    if _vendor() == "sqlite":
        target = folder / "veille.sqlite3"
        if not Path(db["NAME"]).is_file():
            raise BackupFailed(f"{db['NAME']}: no such database file")
        try:
            source = sqlite3.connect(f"file:{db['NAME']}?mode=ro", uri=True)
            copy = sqlite3.connect(target)
            try:
                with copy:
                    source.backup(copy)  # SQLite's online backup API: one consistent copy
            finally:
                copy.close()
                source.close()
        except sqlite3.Error as exc:
            raise BackupFailed(f"{db['NAME']}: {exc}") from exc
        return SQLITE_MEMBER, target
    if _vendor() == "postgresql":
        target = folder / "veille.pgdump"
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
                str(db["NAME"]),
            ],
            _pg_env(db),
            "pg_dump",
        )
        return PGDUMP_MEMBER, target
    raise BackupFailed(f"backups of a {_vendor()} database are not supported (SQLite and PostgreSQL are)")


def _snapshot_store(store: Path, folder: Path) -> list[tuple[str, Path]]:
    """Hard links (or copies) of every file of the store, taken before anything is read."""
    taken = []
    for f in _store_files(store):
        rel = f.relative_to(store).as_posix()
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(f, target)
        except OSError:
            shutil.copy2(f, target)
        taken.append((AIS_PREFIX + rel, target))
    return taken


def backup(out: Path, *, store: Path, say: Say = lambda _m: None) -> Manifest:
    """Write the archive ``out`` (through a temporary name, renamed once complete)."""
    out = Path(out)
    if out.is_dir() or not out.parent.is_dir():
        raise BackupFailed(f"{out}: cannot write here ({'a folder' if out.is_dir() else 'no such folder'})")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".veille-backup-") as tmp:
        staging = Path(tmp)
        migrations = _applied()
        member, db_file = _snapshot_database(staging)
        say(f"database ({_vendor()}) copied")
        parts = _snapshot_store(store, staging / "ais")
        say(f"AIS store: {len(parts)} files")
        members = [(member, db_file), *parts]
        manifest = Manifest(
            vendor=_vendor(),
            migrations=migrations,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        for name, path in members:
            manifest.files[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
        partial = staging / "archive.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            data = manifest.as_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(dt.datetime.now().timestamp()), 0o644
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False)
        os.replace(partial, out)
    return manifest


# --- restore ---------------------------------------------------------------------------------


def _read_manifest(archive: Path, tar: tarfile.TarFile) -> Manifest:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise ArchiveRefused(f"{archive}: not a veille backup (it does not start with {MANIFEST})")
    raw = tar.extractfile(first)
    try:
        data = json.loads(raw.read() if raw else b"")
    except ValueError as exc:
        raise ArchiveRefused(f"{archive}: {MANIFEST} is damaged ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveRefused(f"{archive}: not a veille backup ({MANIFEST} is not veille's)")
    if data.get("format_version") != FORMAT_VERSION:
        raise ArchiveRefused(
            f"{archive}: backup format {data.get('format_version')!r}; "
            f"this veille reads format {FORMAT_VERSION}",
        )
    try:
        return Manifest(
            vendor=str(data["vendor"]),
            migrations=[[str(a), str(n)] for a, n in data["migrations"]],
            files={str(k): dict(v) for k, v in data["files"].items()},
            veille_version=str(data.get("veille_version", "")),
            created_at=str(data.get("created_at", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ArchiveRefused(f"{archive}: {MANIFEST} is damaged ({exc})") from None


def _check_schema(archive: Path, manifest: Manifest) -> list[list[str]]:
    """The archive's migrations this veille does not have yet: none may be unknown."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest.migrations if (app, name) not in known]
    if unknown:
        raise ArchiveRefused(
            f"{archive}: made by a newer veille ({manifest.veille_version}); its schema has migration(s) "
            f"this veille does not know: {', '.join(unknown[:5])}. Upgrade veille, then restore.",
        )
    return [list(k) for k in sorted(known - {tuple(m) for m in manifest.migrations})]


def _safe(name: str) -> bool:
    p = PurePosixPath(name)
    return not p.is_absolute() and ".." not in p.parts and bool(p.parts)


def _stage(archive: Path, tar: tarfile.TarFile, manifest: Manifest, staging: Path) -> None:
    """Extract every member into ``staging``, checking each sum; refuse anything unlisted or missing."""
    seen: set[str] = set()
    for info in tar:
        name = info.name
        if info.offset == 0 and name == MANIFEST:
            continue  # read first, by _read_manifest
        if name not in manifest.files or not _safe(name) or not info.isfile():
            raise ArchiveRefused(f"{archive}: {name} is not listed in its manifest")
        if name in seen:
            raise ArchiveRefused(f"{archive}: {name} appears twice")
        seen.add(name)
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        src = tar.extractfile(info)
        if src is None:
            raise ArchiveRefused(f"{archive}: {name} cannot be read")
        with target.open("wb") as dst:
            for chunk in iter(lambda s=src: s.read(CHUNK), b""):  # type: ignore[misc]
                h.update(chunk)
                dst.write(chunk)
        if h.hexdigest() != manifest.files[name].get("sha256"):
            raise ArchiveRefused(f"{archive}: {name} is damaged (its SHA-256 is not the manifest's)")
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise ArchiveRefused(
            f"{archive}: {missing[0]} is missing"
            + (f" (and {len(missing) - 1} other file(s) listed in the manifest)" if len(missing) > 1 else ""),
        )


@contextmanager
def _open(archive: Path) -> Iterator[tarfile.TarFile]:
    if not archive.is_file():
        raise ArchiveRefused(f"{archive}: no such file")
    try:
        with tarfile.open(archive, "r:") as tar:
            yield tar
    except tarfile.TarError as exc:
        raise ArchiveRefused(f"{archive}: not a readable tar archive ({exc})") from None


def check_archive(archive: Path, staging: Path) -> Manifest:
    """Read and check the whole archive into ``staging``; nothing else is written."""
    with _open(archive) as tar:
        manifest = _read_manifest(archive, tar)
        _check_schema(archive, manifest)
        if manifest.vendor != _vendor():
            raise ArchiveRefused(
                f"{archive}: a backup of a {manifest.vendor} database; this instance uses {_vendor()}"
            )
        _stage(archive, tar, manifest, staging)
    db_member = SQLITE_MEMBER if manifest.vendor == "sqlite" else PGDUMP_MEMBER
    if db_member not in manifest.files:
        raise ArchiveRefused(f"{archive}: {db_member} is missing")
    return manifest


def _check_empty(store: Path) -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "auth_user" in tables:
            cursor.execute("SELECT COUNT(*) FROM auth_user")
            (users,) = cursor.fetchone()
            if users:
                raise ArchiveRefused(
                    f"this instance is not empty: its database has {users} user account(s); restore into a "
                    "new database",
                    field="database",
                )
    if any(True for _f in _store_files(store)):
        raise ArchiveRefused(f"this instance is not empty: the AIS store {store} has files", field="store")


def restore(archive: Path, *, store: Path, say: Say = lambda _m: None) -> Manifest:
    """Restore ``archive`` into this (empty) instance; returns its manifest."""
    archive = Path(archive)
    _check_empty(store)
    work = Path(settings.VAR_DIR)
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work, prefix=".veille-restore-") as tmp:
        staging = Path(tmp)
        manifest = check_archive(archive, staging)
        say(f"{archive}: {len(manifest.files)} files checked (veille {manifest.veille_version})")
        db = _db()
        connections.close_all()
        if manifest.vendor == "sqlite":
            target = Path(db["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.move(staging / SQLITE_MEMBER, target.with_name(f".{target.name}.restoring"))
            os.replace(target.with_name(f".{target.name}.restoring"), target)
        else:
            with connection.cursor() as cursor:  # empty (checked): its tables, if migrated, give way
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            connections.close_all()
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={db['NAME']}",
                    str(staging / PGDUMP_MEMBER),
                ],
                _pg_env(db),
                "pg_restore",
            )
        say("database restored")
        staged_store = staging / "ais"
        if staged_store.is_dir():
            store.parent.mkdir(parents=True, exist_ok=True)
            if store.is_dir():
                shutil.rmtree(store)  # empty (checked): at most empty folders
            shutil.move(staged_store, store)
        say(f"AIS store restored in {store}")
    return manifest
