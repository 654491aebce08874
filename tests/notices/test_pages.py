"""A user's notices on the home page, the notices page, the header and the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.notices.test_services import KEY, raise_for
from veille.notices.models import Notice


def test_the_home_page_shows_what_waits_for_the_user_and_what_is_new(
    users: dict[str, Any], client_as: Any
) -> None:
    raise_for([users["sam"]])
    raise_for([users["sam"]], "tests:package:1:funded", action=False, title="A package is fully funded")
    home = client_as("sam").get("/").content.decode()
    assert 'data-testid="notices-to-do"' in home and 'data-key="tests:thing:1:decision"' in home
    assert 'data-testid="notices-new"' in home and "A package is fully funded" in home
    assert '<span class="count">2</span>' in home  # the header's link to the notices
    assert 'data-key="tests:thing:1:decision"' not in client_as("alice").get("/").content.decode()
    french = client_as("sam")
    french.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = french.get("/").content.decode()
    assert "Une liste attend votre approbation" in page and "En attente de votre action" in page


def test_the_notices_page_marks_news_read_and_keeps_actions_to_do(
    users: dict[str, Any], client_as: Any
) -> None:
    raise_for([users["sam"]])
    raise_for([users["sam"]], "tests:package:1:funded", action=False)
    sam = client_as("sam")
    assert sam.post("/notices/").status_code == 302
    assert not Notice.objects.filter(user=users["sam"], read_at=None).exists()
    page = sam.get("/notices/").content.decode()
    assert 'data-key="tests:thing:1:decision"' in page and 'data-testid="notices-new"' not in page


def test_the_api_lists_the_callers_notices_and_marks_them_read(users: dict[str, Any], client_as: Any) -> None:
    raise_for([users["sam"], users["alice"]])
    sam = client_as("sam")
    items = sam.get("/api/v1/notices/").json()["items"]
    assert [(n["key"], n["state"], n["action"]) for n in items] == [(KEY, "to_do", True)]
    done = sam.post("/api/v1/notices/read", {"app": "tests"}, content_type="application/json")
    assert done.json() == {"read": 1}
    assert Notice.objects.filter(user=users["alice"], read_at=None).count() == 1  # only the caller's


@pytest.mark.parametrize("ids", [[2**70], [0], [-3]])
def test_an_id_no_record_can_have_is_refused_naming_the_field(client_as: Any, ids: list[int]) -> None:
    """An id beyond what a database column holds is a 422 naming ``ids``, never an overflow in the
    database driver (found by the API fuzzer on SQLite)."""
    answer = client_as("sam").post("/api/v1/notices/read", {"ids": ids}, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert "ids" in answer.content.decode()
