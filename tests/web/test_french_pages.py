"""Every page of the interface in French (issue 22, item 8): with the demo loaded and alice (NATO
staff, who sees every page) reading in French, the visible text of each page holds none of the
interface's own English terms (the English texts of the catalogues whose French differs) and no
number written the English way ("1,234.5", "2.71 %").

What the database holds is data and is shown as it is stored (a package's name, a source's quote,
a lesson's title, a figure as read from its file): the text of the demo's stored values is left out
of the check, except the nations' names, which the pages show in the reader's language. Values the
page marks as stored (``translate="no"``, as the audit trail's before and after) or as quoted English
(``lang="en"``) are left out too.

The pages are reached as a reader reaches them, by following the links of the pages from the home
page (one page of each kind: ``/purl/packages/7/`` stands for every package), and the test checks
that the pages reached cover every page of the URL configuration (the exports, the API, the admin
and the addresses that only take a POST are not pages)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rich.console import Console

SRC = Path(__file__).resolve().parents[2] / "src" / "veille"
# "1,234.5", "1,000,000", "2.71" or "2.71 %": English; "3,873" is French for 3.873 and stays allowed;
# "0.1.0" is a version; the seconds of an ISO time ("20:42:10.13") are not a number on their own
ENGLISH_NUMBER = re.compile(r"\d,\d{3}[,.]\d|(?<![\d.\w:-])\d+\.\d+(?![\d.\w])")
#: links that do not lead to a page (files, the API, the admin, live streams, exports)
NOT_A_PAGE = re.compile(
    r"\.(csv|json|geojson|png|svg|txt|xlsx|parquet|ods)(\?|$)|^/api/|^/admin|^/static/|^/i18n/|/stream/|"
    r"/export|logout|^/healthz"
)
#: URL patterns that are not pages a reader opens: a form's POST target only, files and feeds
POST_ONLY_OR_FILE = re.compile(
    r"/(delete|acknowledge|decide|reorder|remove|ship|release|receive|commit|allocate|cancel|link|stored|resend)/$"
    r"|\.<str:fmt>$|export|\.geojson$|\.txt$|^/api/|^/admin/|^/i18n/|^/healthz|/stream/$|^/logout/$"
    r"|^/login/$|^/invitation/"
)


class VisibleText(HTMLParser):
    """The text a reader sees: not the scripts, styles, code, drawings, nor what is marked English
    (``lang="en"``: a quoted English source)."""

    SKIPPED = {"script", "style", "code", "pre", "svg", "template", "textarea"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # for each open element: is it skipped?
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        a = dict(attrs)
        skipped = tag in self.SKIPPED or a.get("lang") == "en" or a.get("translate") == "no" or "hidden" in a
        self.stack.append(skipped or (bool(self.stack) and self.stack[-1]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return re.sub(r"\s+", " ", " ".join(parser.parts))


def interface_terms() -> list[str]:
    """English texts of the interface whose French differs; short ones (one word, or under twelve
    characters) are left out, since they are often the same word in data or in French."""
    terms = set()
    for po in SRC.glob("*/locale/fr/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):
            text = entry.msgid
            if entry.msgid_plural or not entry.msgstr or entry.msgstr == text or "fuzzy" in entry.flags:
                continue
            if re.search(r"[%{}<>]", text) or len(text) < 12 or len(text.split()) < 2:
                continue
            terms.add(text)
    return sorted(terms, key=len, reverse=True)


def stored_text() -> list[str]:
    """The text values the database holds (longest first): those of two words or more, and single
    words of six characters or more (a figure as read from its file); not the nations' names (the
    pages show those in the reader's language), nor a value that is one of them."""
    from django.apps import apps
    from django.db import models

    from veille.nations.models import Nation

    nations = set(Nation.objects.values_list("name", flat=True))
    values: set[str] = set()
    for model in apps.get_models():
        if model is Nation:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                column = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                for v in column.distinct():
                    v = re.sub(r"\s+", " ", str(v or "")).strip()
                    if v not in nations and (" " in v or len(v) >= 6):
                        values.add(v)
    return sorted(values, key=len, reverse=True)


def without(text: str, stored: list[str]) -> str:
    """The text without the stored values it shows, whole or cut short ("The European Union aims
    to…"); a value counts only as a whole (not the "2025" inside "2025-12-03")."""
    for value in stored:
        head = value[:12]
        start = text.find(head)
        while start >= 0:
            n = len(head)
            while n < len(value) and start + n < len(text) and text[start + n] == value[n]:
                n += 1
            end = start + n
            whole = n == len(value) or text[end : end + 1] == "…"
            bounded = (start == 0 or not text[start - 1].isalnum()) and (
                end >= len(text) or not text[end].isalnum()
            )
            if whole and bounded and (n == len(value) or n >= 12):
                text = text[:start] + " ¦ " + text[end + (text[end : end + 1] == "…") :]
                start = text.find(head, start + 3)
            else:
                start = text.find(head, start + 1)
    return text


def chart_words(html: str) -> str:
    """The words the page's charts draw (titles, subtitles, axis and legend titles, tooltips'
    names), from the Vega-Lite specifications the page carries (``json_script``)."""
    words: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("data", "datasets"):
                    continue  # the data drawn, not the chart's words
                if key in ("title", "subtitle", "text", "description") and isinstance(value, str):
                    words.append(value)
                elif key in ("title", "subtitle") and isinstance(value, list):
                    words.extend(str(v) for v in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for body in re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', html, re.S):
        try:
            spec = json.loads(body)
        except ValueError:
            continue
        if isinstance(spec, dict) and "vega" in str(spec.get("$schema", "")):
            walk(spec)
    return " ¦ ".join(words)


def interface_texts() -> set[str]:
    """Every English text of the catalogues whose French differs, short ones included: a chart's
    title, axis or legend title is interface text as a whole."""
    texts = set()
    for po in SRC.glob("*/locale/fr/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):
            if entry.msgstr and entry.msgstr != entry.msgid and "fuzzy" not in entry.flags:
                texts.add(entry.msgid.replace("%%", "%"))
    return texts


def english_in(text: str, terms: list[str]) -> list[str]:
    return [t for t in terms if re.search(r"(?<![\w-])" + re.escape(t) + r"(?![\w-])", text)]


def around(text: str, found: str) -> str:
    """The text found with a few words around it, to see where it comes from."""
    at = text.find(found)
    return text[max(0, at - 40) : at + len(found) + 40]


def kind(path: str) -> str:
    """One page of each kind: ``/purl/packages/7/`` and ``/purl/packages/8/`` are the same kind."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def page_patterns() -> list[str]:
    """Every page of the URL configuration, as a path with its parameters in angle brackets."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted({p for p in found if not POST_ONLY_OR_FILE.search(p)})


def reached(pattern: str, kinds: set[str]) -> bool:
    """Whether a page of the pattern's kind was reached (``<int:pk>`` is any number, ``<str:x>`` and
    ``<slug:x>`` any word)."""
    parts = re.split(r"(<\w+:\w+>)", pattern)
    regex = "".join(
        ("N" if part.startswith("<int:") else "[^/]+") if part.startswith("<") else re.escape(part)
        for part in parts
    )
    return any(re.fullmatch(regex, k) for k in kinds)


@pytest.fixture
def demo(users: Any, settings: Any, tmp_path: Path) -> Iterator[None]:
    """What ``veille demo`` loads (every app's ``demo.py``, then the shell's link proposals)."""
    from veille.kit.registry import app_modules
    from veille.nations.access import Actor
    from veille.web.services import do_propose_links

    settings.AIS_STORE = tmp_path / "ais"
    console = Console(quiet=True)
    for _label, module in app_modules("demo"):
        module.load(console)
    do_propose_links(Actor.system_process("demo"))
    yield


def forms_no_link_leads_to(actor_of: Any) -> list[tuple[str, str]]:
    """Pages a button or a form leads to (no link), each with who opens it: the search's answers
    (alice), an action's evidence form (an editor of the body that owns it), and the forms of a list
    Ukraine drafts (olga: a draft is made for them)."""
    import datetime as dt

    from veille.council.models import Action
    from veille.council.rights import bodies_of
    from veille.council.services import do_assign_body
    from veille.purl.models import ListState, RequirementItem, RequirementList
    from veille.purl.services import do_create_list

    approved = RequirementList.objects.filter(state=ListState.APPROVED).order_by("pk").first()
    draft = do_create_list(actor_of("olga"), dt.date(2026, 11, 1), title="Liste de novembre")
    item = RequirementItem.objects.order_by("pk").first()
    action = Action.objects.order_by("pk").first()
    assert approved is not None and item is not None and action is not None
    nora = actor_of("nora")
    if action.owner not in bodies_of(nora):
        do_assign_body(actor_of("alice"), nora.user, action.owner)
    evidence = ("nora", action.pk)
    return [
        ("alice", "/lessons/search/?q=drone"),
        (evidence[0], f"/council/actions/{evidence[1]}/evidence/new/"),
        ("olga", "/purl/lists/new/"),
        ("olga", f"/purl/lists/{draft.pk}/items/new/"),
        ("olga", f"/purl/items/{item.pk}/edit/"),
        ("olga", f"/purl/lists/{approved.pk}/amend/"),
    ]


def links(html: str) -> list[str]:
    hrefs = re.findall(r'<a\b[^>]*\bhref="([^"]+)"', html)
    return [
        h.replace("&amp;", "&").split("#")[0] for h in hrefs if h.startswith("/") and not NOT_A_PAGE.search(h)
    ]


def test_visible_text_leaves_out_code_scripts_and_english_quotes() -> None:
    html = (
        '<p>Le total <code>veille import</code> <span lang="en">Total pledged so far</span>'
        "<script>var a = 1.5;</script> 1 234,5 <br> fin</p>"
    )
    assert VisibleText.of(html) == "Le total 1 234,5 fin"
    assert ENGLISH_NUMBER.findall("1,234.5 ; 2.71 % ; 3,873 ; 0.1.0 ; 2025-12-03 ; 1 234,5") == [
        "1,234.5",
        "2.71",
    ]


def french_client(client: Client) -> Client:
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/"}).status_code == 302
    return client


def test_stored_values_are_left_out_whole_or_cut_short_and_chart_words_are_read() -> None:
    stored = ["The European Union aims to produce 2.5 million shells annually", "0.11738108690142468"]
    text = "source The European Union aims to produce… puis 0.11738108690142468 (e) et 10.117381086901424689"
    assert without(text, stored) == "source  ¦  puis  ¦  (e) et 10.117381086901424689"
    html = (
        '<script id="c" type="application/json">'
        '{"$schema": "https://vega.github.io/schema/vega-lite/v6.json", '
        '"title": {"text": "Allied presence"}, "data": {"values": [{"title": "a record"}]}, '
        '"encoding": {"x": {"title": "foreign vessels"}}}</script>'
    )
    assert chart_words(html) == "Allied presence ¦ foreign vessels"


@pytest.mark.django_db
def test_every_page_in_french_holds_no_english_interface_term_and_no_english_number(
    demo: None, client_as: Any, actor_of: Any
) -> None:
    terms = interface_terms()
    assert len(terms) > 300
    whole = interface_texts()
    stored = stored_text()
    by_form = forms_no_link_leads_to(actor_of)
    clients = {name: french_client(client_as(name)) for name in {"alice", *(n for n, _ in by_form)}}
    alice = clients["alice"]
    problems: dict[str, Any] = {}

    def check(client: Client, path: str) -> list[str]:
        """The page's problems noted; the links it offers."""
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if "text/html" not in response["Content-Type"]:
            return []
        html = response.content.decode()
        assert '<html lang="fr"' in html, path
        drawn = chart_words(html)
        text = without(VisibleText.of(html) + " ¦ " + drawn, stored)
        english = english_in(text, terms) + [w for w in drawn.split(" ¦ ") if w in whole]
        numbers = sorted(set(ENGLISH_NUMBER.findall(text)))
        if english or numbers:
            problems[path] = {
                "english": [around(text, t) for t in english[:8]],
                "numbers": [around(text, n) for n in numbers[:8]],
            }
        return links(html)

    queue = ["/"]
    seen: set[str] = set()
    while queue:
        path = queue.pop(0)
        if kind(path) in seen:
            continue
        seen.add(kind(path))
        queue.extend(link for link in check(alice, path) if kind(link) not in seen)
    for name, path in by_form:
        seen.add(kind(path))
        check(clients[name], path)
    missed = [p for p in page_patterns() if not reached(p, seen)]
    assert missed == [], "pages no link of the demo leads to (give the test a way there)"
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
