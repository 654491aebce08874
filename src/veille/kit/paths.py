"""Every path veille uses, resolved from the environment in one place.

``settings.py`` builds ``DATA_DIR``, ``VAR_DIR``, ``AIS_STORE``, the default SQLite database and
``STATIC_ROOT`` from :func:`resolve`; the commands that work on files without Django's settings
(``veille ais …``) call it too. The pages and the commands therefore read and write the same
folders, whatever the current directory: with ``VEILLE_VAR_DIR=/srv/veille/var``, ``veille ais
ingest FILE`` run from any folder writes to ``/srv/veille/var/ais``, where the Arctic picture reads.

A relative value is taken from the source tree's root (:data:`veille.core.env.SOURCE_ROOT`), never
from the current directory. The values are checked by ``veille.core.env``'s strict readers. This
module imports nothing from Django, so it can be called before ``django.setup()``.

>>> p = resolve({"VEILLE_VAR_DIR": "/srv/veille/var"})
>>> p.ais_store, p.database_file
(PosixPath('/srv/veille/var/ais'), PosixPath('/srv/veille/var/veille.sqlite3'))
>>> p.static_root
PosixPath('/srv/veille/var/static')
>>> resolve({"VEILLE_VAR_DIR": "/srv/veille/var", "VEILLE_AIS_STORE": "/data/ais"}).ais_store
PosixPath('/data/ais')
>>> resolve({}).var_dir == SOURCE_ROOT / "var"
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from veille.core.env import SOURCE_ROOT, Env, data_dir

__all__ = ["SOURCE_ROOT", "Paths", "resolve"]


@dataclass(frozen=True)
class Paths:
    """The folders and files of one installation."""

    root: Path  # the source tree's root: relative settings are taken from here
    data_dir: Path  # VEILLE_DATA_DIR: the shipped public datasets
    var_dir: Path  # VEILLE_VAR_DIR: what veille writes
    ais_store: Path  # VEILLE_AIS_STORE, else <var>/ais: the AIS Parquet store
    database_file: Path  # <var>/veille.sqlite3: the SQLite database used when DATABASE_URL is empty
    database_url: str  # DATABASE_URL, else the URL of database_file
    static_root: Path  # <var>/static: where collectstatic gathers the static files
    secret_key_file: Path  # <var>/secret_key: the key made on first start when none is set
    admin_password_file: Path | None  # VEILLE_ADMIN_PASSWORD_FILE: the first coordinator's password


def resolve(environ: Mapping[str, str] | None = None) -> Paths:
    """The paths of the installation that ``environ`` (``os.environ`` when ``None``) describes."""
    env = Env(environ)
    var_dir = env.path("VEILLE_VAR_DIR", SOURCE_ROOT)
    ais_store = env.path("VEILLE_AIS_STORE", SOURCE_ROOT) if env.str("VEILLE_AIS_STORE") else var_dir / "ais"
    database_file = var_dir / "veille.sqlite3"
    return Paths(
        root=SOURCE_ROOT,
        data_dir=data_dir(environ),
        var_dir=var_dir,
        ais_store=ais_store,
        database_file=database_file,
        database_url=env.str("DATABASE_URL") or f"sqlite:////{database_file}",
        static_root=var_dir / "static",
        secret_key_file=var_dir / "secret_key",
        admin_password_file=env.path("VEILLE_ADMIN_PASSWORD_FILE", SOURCE_ROOT)
        if env.str("VEILLE_ADMIN_PASSWORD_FILE")
        else None,
    )
