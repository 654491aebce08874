"""The base template's layout for narrow screens: every table of a page's content sits in a box that
scrolls sideways (so that a phone's page never widens), and the header has a menu button that
controls the navigation (issue 22, item 6; the browser test at 390 px is tests/browser/test_phone.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from veille.web.templatetags.veille_layout import scroll_tables

pytestmark = pytest.mark.django_db
Client = Callable[[str | None], Any]


def test_every_table_is_wrapped_in_a_named_scrolling_box() -> None:
    html = scroll_tables(
        '<table><caption>Donors &amp; more · <a href="x.csv">CSV</a></caption><tr><td>'
        "<table><tr><td>inner</td></tr></table></td></tr></table><p>after</p>"
    )
    assert html.count('<div class="table-scroll" role="region"') == 2
    assert html.count("</table></div>") == 2
    assert 'aria-label="Donors &amp;amp; more"' not in html and 'aria-label="Donors &amp; more"' in html
    assert 'aria-label="Table"' in html  # the inner one has no caption
    assert html.endswith("</table></div></td></tr></table></div><p>after</p>")


@pytest.mark.parametrize("url", ["/nations/", "/support/claims/", "/ledger/"])
def test_the_pages_tables_scroll_inside_their_own_box(client_as: Client, url: str) -> None:
    html = client_as("alice").get(url).content.decode()
    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    tables = re.findall(r"<table\b", main)
    wrapped = re.findall(r'<div class="table-scroll" role="region" aria-label="[^"]+"><table\b', main)
    assert tables and len(wrapped) == len(tables)


def test_the_header_has_a_menu_button_for_the_navigation(client_as: Client) -> None:
    html = client_as("nora").get("/").content.decode()
    button = '<button type="button" class="menu-button" aria-expanded="false" aria-controls="site-menu">'
    assert button in html
    menu = html.split('<div class="site-menu" id="site-menu">', 1)[1]
    assert menu.index('class="mechanisms"') < menu.index("</header>")
    assert menu.index('data-testid="notices-link"') < menu.index("</header>")
