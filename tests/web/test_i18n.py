"""English and French: every catalogue complete, up to date, and used by the pages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client

SRC = Path(__file__).resolve().parents[2] / "src" / "veille"
APPS = sorted(p.parent.name for p in SRC.glob("*/apps.py"))


def catalogue(app: str) -> Path:
    return SRC / app / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def extracted_msgids(app: str, tmp_path: Path) -> set[str]:
    """What makemessages finds in the app's code today (run on a copy, so nothing here changes)."""
    copy = tmp_path / app
    shutil.copytree(SRC / app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "vendor"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "-v0", "--ignore=migrations/*"],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=120,
        env={
            "DJANGO_SETTINGS_MODULE": "veille.settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": ":".join(sys.path),
        },
    )
    po = copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    return {e.msgid for e in polib.pofile(str(po))} if po.exists() else set()


@pytest.mark.parametrize("app", APPS)
def test_the_french_catalogue_is_complete_and_current(app: str, tmp_path: Path) -> None:
    wanted = extracted_msgids(app, tmp_path)
    if not wanted:
        return  # the app shows no text of its own
    path = catalogue(app)
    assert path.exists(), (
        f"{app} has text to translate but no {path.relative_to(SRC.parent.parent)}; run make messages"
    )
    po = polib.pofile(str(path))
    have = {e.msgid for e in po if not e.obsolete}
    assert wanted - have == set(), (
        f"{app}: strings missing from the catalogue (run make messages): {wanted - have}"
    )
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{app}: untranslated: {untranslated}"
    assert not fuzzy, f"{app}: fuzzy (check and clear the flag): {fuzzy}"


@pytest.mark.parametrize("app", APPS)
def test_the_catalogue_compiles_with_format_checks(app: str, tmp_path: Path) -> None:
    """msgfmt --check: placeholders in each translation match the English (a "5 % du" in French must
    not turn into a format directive)."""
    path = catalogue(app)
    if not path.exists():
        pytest.skip(f"{app} has no catalogue")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_no_text_is_translated_two_ways_across_apps() -> None:
    """Django merges every app's catalogue into one: the same English text (and context) translated
    differently in two apps would show one app's word in the other's pages. Text that means two
    things carries a context (pgettext, {% translate ... context ... %})."""
    seen: dict[tuple[str, str], dict[str, list[str]]] = {}
    for app in APPS:
        path = catalogue(app)
        if not path.exists():
            continue
        for e in polib.pofile(str(path)):
            if e.obsolete or not e.msgstr:
                continue
            seen.setdefault((e.msgctxt or "", e.msgid), {}).setdefault(e.msgstr, []).append(app)
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes, "translated two ways (give the text a context, or agree on one word): " + "; ".join(
        f"{ctx + ' | ' if ctx else ''}{msgid!r}: {v}" for (ctx, msgid), v in sorted(clashes.items())
    )


@pytest.mark.django_db
def test_choosing_french_translates_the_shell(users: object) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert "Soutien à l&#x27;Ukraine" in html or "Soutien à l'Ukraine" in html
    assert "Se connecter" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Log in" in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_browser_language_is_honoured(users: object) -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").get("/nations/").content.decode()
    assert "Statut au" in html
