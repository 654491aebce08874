"""One place resolves every path from the environment: settings.py, the pages and every ``veille ais``
command find the same folders, whatever the current directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from veille.core.env import SOURCE_ROOT
from veille.kit.paths import resolve
from veille.maritime.store import default_store


def test_relative_values_are_taken_from_the_source_tree_not_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    p = resolve({"VEILLE_VAR_DIR": "run/var", "VEILLE_DATA_DIR": "data"})
    assert p.var_dir == SOURCE_ROOT / "run" / "var"
    assert p.ais_store == SOURCE_ROOT / "run" / "var" / "ais"
    assert p.data_dir == SOURCE_ROOT / "data" and (p.data_dir / "reference" / "itu_mid.csv").is_file()
    assert p.database_file == SOURCE_ROOT / "run" / "var" / "veille.sqlite3"
    assert p.database_url == f"sqlite:////{SOURCE_ROOT / 'run' / 'var' / 'veille.sqlite3'}"


def test_each_path_follows_its_setting() -> None:
    p = resolve(
        {
            "VEILLE_VAR_DIR": "/srv/veille/var",
            "VEILLE_AIS_STORE": "/data/ais",
            "VEILLE_DATA_DIR": "/opt/veille-data",
            "DATABASE_URL": "postgres://veille@db:5432/veille",
        }
    )
    assert (p.var_dir, p.ais_store, p.data_dir) == (
        Path("/srv/veille/var"),
        Path("/data/ais"),
        Path("/opt/veille-data"),
    )
    assert (p.static_root, p.secret_key_file) == (
        Path("/srv/veille/var/static"),
        Path("/srv/veille/var/secret_key"),
    )
    assert p.database_url == "postgres://veille@db:5432/veille"


def test_settings_and_the_commands_default_store_come_from_the_same_resolution() -> None:
    here = resolve()
    assert (
        here.data_dir,
        here.var_dir,
        here.ais_store,
    ) == (settings.DATA_DIR, settings.VAR_DIR, settings.AIS_STORE)
    assert here.static_root == settings.STATIC_ROOT
    assert default_store() == here.ais_store


def test_a_relative_ais_store_is_taken_from_the_source_tree_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    p = resolve({"VEILLE_VAR_DIR": "/srv/veille/var", "VEILLE_AIS_STORE": "ais-elsewhere"})
    assert p.ais_store == SOURCE_ROOT / "ais-elsewhere"


def test_the_paths_resolve_without_django(tmp_path: Path) -> None:
    """``veille.kit.paths`` is a plain function of the environment: no Django module is loaded."""
    script = (
        "import sys\n"
        "from veille.kit.paths import resolve\n"
        "p = resolve({'VEILLE_VAR_DIR': '/x/var'})\n"
        "assert str(p.ais_store) == '/x/var/ais', p\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')))\n"
    )
    done = _run(["-c", script], tmp_path, _env())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _env(**values: str) -> dict[str, str]:
    """The environment of a fresh ``veille`` process: none of this run's settings, only ``values``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VEILLE_", "DATABASE_URL", "PYTEST"))}
    return clean | {"VEILLE_SECRET_KEY": "k" * 40} | values


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_ais_ingest_from_another_folder_writes_where_the_arctic_picture_reads(tmp_path: Path) -> None:
    """With ``VEILLE_VAR_DIR`` set, ``veille ais ingest FILE`` run from any folder stores into
    ``VEILLE_VAR_DIR/ais``, and the Arctic picture, started from yet another folder with the same
    environment, shows the vessels."""
    var = tmp_path / "var"
    elsewhere = tmp_path / "elsewhere"
    third = tmp_path / "third"
    elsewhere.mkdir()
    third.mkdir()
    env = _env(VEILLE_VAR_DIR=str(var))
    made = _run(
        ["-m", "veille.cli", "ais", "generate", "--seed", "3", "--vessels", "6", "--messages", "600",
         "--output", "traffic.nmea"],
        elsewhere,
        env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    ingest = _run(["-m", "veille.cli", "ais", "ingest", "traffic.nmea", "--format", "json"], elsewhere, env)
    assert ingest.returncode == 0, ingest.stderr
    stored = json.loads(ingest.stdout)
    assert stored["positions"] > 0
    assert not (elsewhere / "var").exists()  # nothing under the current folder
    assert list((var / "ais" / "positions").glob("day=*/*.parquet"))
    picture = (
        "import json, django; django.setup()\n"
        "from veille.arctic import layers, layers_fast\n"
        "from veille.arctic.geo import ARCTIC_BBOX\n"
        "body = json.loads(layers_fast.vessels(ARCTIC_BBOX, set()))\n"
        "print(json.dumps({'store': str(layers.ais_store().root),\n"
        "                  'mmsis': sorted(f['properties']['mmsi'] for f in body['features'])}))\n"
    )
    seen = _run(["-c", picture], third, env | {"DJANGO_SETTINGS_MODULE": "veille.settings"})
    assert seen.returncode == 0, seen.stderr
    answer = json.loads(seen.stdout)
    assert answer["store"] == str(var / "ais")
    assert len(answer["mmsis"]) == stored["vessels"] == 6


def test_with_var_dir_set_migrate_ingest_and_the_arctic_page_share_one_state_from_any_folder(
    tmp_path: Path,
) -> None:
    """As an operator runs it: ``veille migrate`` and ``veille ais ingest`` from one folder, the
    Arctic page served from another, with ``VEILLE_VAR_DIR`` set: one database, one store, the
    positions on the page's vessel layer; nothing written under either current folder."""
    from tests.fresh import fresh_instance, on_postgres, veille

    elsewhere, third = tmp_path / "elsewhere", tmp_path / "third"
    elsewhere.mkdir()
    third.mkdir()
    with fresh_instance(tmp_path / "instance") as env:
        var = Path(env["VEILLE_VAR_DIR"])
        migrated = veille(["migrate", "--noinput", "-v0"], env, cwd=elsewhere)
        assert migrated.returncode == 0, migrated.stderr[-2000:]
        if not on_postgres():
            assert (var / "veille.sqlite3").is_file()
        capture = Path(settings.DATA_DIR) / "ais" / "dma_aislib_stream_example_2010-06-11.nmea"
        made = veille(["ais", "generate", "--seed", "5", "--vessels", "4", "--messages", "400",
                       "--output", "traffic.nmea"], env, cwd=elsewhere)  # fmt: skip
        assert made.returncode == 0, made.stderr
        ingest = veille(
            ["ais", "ingest", "traffic.nmea", str(capture), "--format", "json"], env, cwd=elsewhere
        )
        assert ingest.returncode == 0, ingest.stderr[-2000:]
        assert list((var / "ais" / "positions").glob("day=*/*.parquet"))
        assert list((var / "ais" / "ingest-runs").glob("*.json"))
        page = (
            "import json\n"
            "from django.test import Client\n"
            "c = Client(HTTP_HOST='localhost')\n"
            "index = c.get('/arctic/')\n"
            "layer = c.get('/arctic/layers/vessels.geojson')\n"
            "print(json.dumps({'index': index.status_code, 'layer': layer.status_code,\n"
            "  'mmsis': sorted({f['properties']['mmsi'] for f in json.loads(layer.content)['features']})}))\n"
        )
        seen = veille(["shell", "-v0", "-c", page], env | {"VEILLE_DEBUG": "1"}, cwd=third)
        assert seen.returncode == 0, seen.stderr[-2000:]
        answer = json.loads(seen.stdout.strip().splitlines()[-1])
        assert answer["index"] == answer["layer"] == 200
        assert len(answer["mmsis"]) >= 4  # the generated vessels are in the Arctic picture
        for folder in (elsewhere, third):
            assert sorted(p.name for p in folder.iterdir()) == (
                ["traffic.nmea"] if folder == elsewhere else []
            )
