"""Size limits of what veille accepts, and the one written form of an amount on the API.

Every limit answers with an error naming the field: 413 for a request body over
``VEILLE_MAX_BODY_BYTES``; 422 for a text, a list or a geometry over its limit. The API schema
carries them (``maxLength``, ``maxItems``, ``pattern``) through the types below; the generic
limits (:data:`MAX_TEXT_CHARS`, :data:`MAX_LIST_ITEMS`) hold for any JSON body, beside the tighter
ones a field declares.

Amounts: the API reads one form only, a plain decimal (``1234.56``, ``-5``: ASCII digits, an
optional ``.`` and decimals), so that ``1,000`` (a thousand, or one in French?), ``1_000`` and
Arabic-Indic digits are refused rather than guessed. Forms read an amount as written in the page's
language (:class:`veille.kit.forms.AmountField`: ``1 000,50`` in French, ``1,000.50`` in English).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

__all__ = [
    "MAX_AMOUNT_CHARS",
    "MAX_CODES",
    "MAX_CODE_CHARS",
    "MAX_LIST_ITEMS",
    "MAX_NOTE_CHARS",
    "MAX_POLYGON_VERTICES",
    "MAX_SOURCES",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_URL_CHARS",
    "PLAIN_AMOUNT",
    "Code",
    "Codes",
    "LongText",
    "Note",
    "PlainAmount",
    "RecordId",
    "RecordIds",
    "Title",
    "Url",
]

#: Longest text of any field of a JSON body (a note is shorter: :data:`MAX_NOTE_CHARS`).
MAX_TEXT_CHARS = 20_000
#: Most elements of any list of a JSON body (a field may declare fewer).
MAX_LIST_ITEMS = 10_000
#: Notes, justifications, reasons and comments.
MAX_NOTE_CHARS = 5_000
#: Names, titles of sources, short labels.
MAX_TITLE_CHARS = 500
#: Addresses (URLs).
MAX_URL_CHARS = 2_000
#: Codes, keys, kinds, steps, markings, currencies, dates written as text.
MAX_CODE_CHARS = 64
#: Codes of one list (nations, domains, participants).
MAX_CODES = 200
#: Sources of one record, and assets of one activity.
MAX_SOURCES = 50
#: Vertices of one area, all rings and parts together.
MAX_POLYGON_VERTICES = 5_000
#: The API's written form of an amount.
PLAIN_AMOUNT = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"
#: The longest plain decimal the pattern reads.
MAX_AMOUNT_CHARS = 23

Code = Annotated[str, StringConstraints(max_length=MAX_CODE_CHARS)]
Codes = Annotated[list[Code], Field(max_length=MAX_CODES)]
#: A long text (a statement, an observation, a summary).
LongText = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE_CHARS)]
#: The id of a record: what a database column holds (1 to 2**63 - 1; a larger one is a 422 naming
#: the field, never an overflow in the database driver).
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
#: Ids of records, at most :data:`MAX_LIST_ITEMS` of them.
RecordIds = Annotated[list[RecordId], Field(max_length=MAX_LIST_ITEMS)]
Title = Annotated[str, StringConstraints(max_length=MAX_TITLE_CHARS)]
Url = Annotated[str, StringConstraints(max_length=MAX_URL_CHARS)]
PlainAmount = Annotated[
    str,
    StringConstraints(pattern=PLAIN_AMOUNT, max_length=MAX_AMOUNT_CHARS),
    Field(description="a plain decimal: ASCII digits, an optional '.' and decimals (1234.56)"),
]
