"""Static files as a production install serves them: vendored libraries intact, the manifest builds."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "src" / "veille" / "web" / "static" / "vendor"


def test_every_vendored_file_matches_its_recorded_version_and_hash() -> None:
    versions = json.loads((VENDOR / "VERSIONS.json").read_text())
    shipped = {p.name for p in VENDOR.glob("*.js")}
    assert shipped == set(versions), "vendor/ and VERSIONS.json disagree"
    manifest = json.loads((ROOT / "tools" / "vendor" / "package.json").read_text())
    # what pages load, and what only the browser tests load (axe-core)
    package = {**manifest["dependencies"], **manifest.get("devDependencies", {})}
    for name, entry in versions.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == entry["sha256"], name
        assert package[entry["package"]] == entry["version"], name
        assert entry["license"], name


def test_collectstatic_builds_the_hashed_manifest(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VEILLE_", "PYTEST", "DATABASE_URL"))}
    env.update({"VEILLE_VAR_DIR": str(tmp_path), "VEILLE_SECRET_KEY": "k" * 40})
    result = subprocess.run(
        [sys.executable, "-m", "veille.cli", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    assert "vendor/vega.min.js" in manifest and "web/veille.css" in manifest
