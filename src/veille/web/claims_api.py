# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""The press report's claims computed from the data (``/api/v1/support/claims``): support's 99 %
sentence under the definitions asked for, and every other mechanism's claims."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from veille.kit.limits import Code
from veille.support import queries
from veille.web.claims_page import all_checks

router = Router(tags=["support"])


class ClaimQuery(Schema):
    aid_type: Code = "military"
    basis: Code = "allocation"
    membership: Code = "present"
    eu: Code = "own"
    since: Code = ""
    until: Code = ""


class ClaimOut(Schema):
    key: str
    sentence_fr: str
    sentence_en: str
    claim: str
    computed: str
    holds: bool | None
    data: str
    definitions: dict[str, str]
    detail: dict[str, Any]
    pending: str


@router.get("/claims", response=list[ClaimOut], summary="The press report's claims computed from the data")
def claims(request: HttpRequest, q: Query[ClaimQuery]) -> Any:
    definition = queries.parse_definition(q.dict())
    return all_checks(definition)
