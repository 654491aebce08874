"""Layout helpers for the base template: tables that scroll inside their own box on narrow screens."""

from __future__ import annotations

import html as html_module
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_TABLE = re.compile(r"<table\b|</table>", flags=re.I)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", flags=re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


def _label(rest: str) -> str:
    """The table's caption as text (up to the first link or separator), or a generic name."""
    end = rest.lower().find("</table>")
    match = _CAPTION.search(rest, 0, end if end >= 0 else len(rest))
    text = " ".join(html_module.unescape(_TAGS.sub(" ", match.group(1))).split()) if match else ""
    text = text.split(" · ")[0].strip()
    return text or _("Table")


@register.filter(is_safe=True)
def scroll_tables(html: str) -> SafeString:
    """Wrap every ``<table>`` of a page's content in ``<div class="table-scroll">``: a wide table
    scrolls sideways inside its own box instead of widening the page (a phone's 390 px). The box is
    a named region so that a keyboard or screen-reader user can reach and scroll it
    (``veille.js`` makes it focusable when it does scroll).

    >>> print(scroll_tables('<p>x</p><table><caption>Totals · <a>CSV</a></caption></table>')[:77])
    <p>x</p><div class="table-scroll" role="region" aria-label="Totals"><table><c
    """
    out: list[str] = []
    last = 0
    for match in _TABLE.finditer(html):
        out.append(html[last : match.start()])
        if match.group(0).lower() == "</table>":
            out.append("</table></div>")
        else:
            label = escape(_label(html[match.end() :]))
            out.append(f'<div class="table-scroll" role="region" aria-label="{label}"><table')
        last = match.end()
    out.append(html[last:])
    return mark_safe("".join(out))  # noqa: S308 - the input is the template's own rendered, escaped HTML
