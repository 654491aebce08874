"""The form fields of an amount and of a count on the pages: read as people write them in the page's
language.

The API reads one form only (:data:`veille.kit.limits.PlainAmount`: ``1000.50``). A form reads the
amount as written in the language of the page, and hands the services the same plain decimal:

- in French: ``1 000,50`` or ``1000,50`` (spaces group thousands, a comma before the decimals); a
  point is read as the decimal point only when it cannot be a group of thousands (``1000.5``),
  so ``1.000`` is refused as ambiguous;
- in English: ``1,000.50`` or ``1000.50`` (commas or spaces group thousands by three, a point before
  the decimals); a comma that does not group thousands by three (``1,5``) is refused as ambiguous.

Other scripts' digits (Arabic-Indic, Devanagari…), ``1_000``, exponents and signs other than a
leading ``-`` are refused; every refusal names the field.

>>> parse_form_amount("1 000,50", "fr"), parse_form_amount("1000,50", "fr")
('1000.50', '1000.50')
>>> parse_form_amount("1,000.50", "en"), parse_form_amount("1000.50", "en"), parse_form_amount("-5", "en")
('1000.50', '1000.50', '-5')
>>> parse_form_amount("1.000", "fr", field="amount")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
veille.core.errors.InvalidInput: amount: '1.000' ...

A count (trainees, items) is read the same way and must be a whole number (:class:`CountField`):
``1 000`` in French, ``1,000`` in English.

>>> parse_form_count("1 000", "fr"), parse_form_count("1,000", "en"), parse_form_count("", "en")
(1000, 1000, None)
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from veille.core.errors import InvalidInput

__all__ = [
    "AMOUNT_HELP",
    "COUNT_HELP",
    "MESSAGES",
    "AmountField",
    "CountField",
    "DecimalNumberField",
    "parse_form_amount",
    "parse_form_count",
    "written_amount",
]

#: What every amount field of a page says of the form it reads.
_HELP = gettext_noop("In English 1,000.50 or 1000.50; in French 1 000,50 or 1000,50")
AMOUNT_HELP = gettext_lazy(_HELP)
# kit is no app and has no catalogue: the shell's (veille.web.kit_messages) translates these
_DIGITS = gettext_noop("%(text)r is not an amount: use the digits 0-9, without underscores")
_SPACED = gettext_noop("%(text)r: spaces group the thousands by three")
_AMBIGUOUS = gettext_noop("%(text)r is ambiguous or not an amount: write %(example)s or %(plain)s")
_COUNT_HELP = gettext_noop("A whole number: in English 1,000 or 1000; in French 1 000 or 1000")
COUNT_HELP = gettext_lazy(_COUNT_HELP)
_WHOLE = gettext_noop("%(text)r is not a whole number")
#: Every text of this module, for the test that checks they are translated.
MESSAGES = (_HELP, _DIGITS, _SPACED, _AMBIGUOUS, _COUNT_HELP, _WHOLE)

_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_INT = r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+"
_EN = re.compile(rf"(?P<int>{_INT})(?:\.(?P<dec>[0-9]+))?")
_FR = re.compile(r"(?P<int>[0-9]+)(?:,(?P<dec>[0-9]+))?")
_FR_POINT = re.compile(r"(?P<int>[0-9]+)\.(?P<dec>[0-9]+)")
_GROUPED = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})*(?:[.,][0-9]+)?")


def _french(language: str | None) -> bool:
    return (language or "en").split("-")[0].lower() == "fr"


def parse_form_amount(text: str, language: str | None = None, *, field: str = "amount") -> str:
    """``text`` as written in ``language`` (the active one by default) as a plain decimal
    (``"1000.50"``), or ``""`` when empty; :class:`InvalidInput` naming ``field`` otherwise."""
    language = language or get_language()
    given = str(text).strip()
    if not given:
        return ""
    if any(c.isdigit() and not ("0" <= c <= "9") for c in given) or "_" in given:
        raise InvalidInput(
            _(_DIGITS) % {"text": given},
            field=field,
        )
    sign, body = ("-", given[1:].lstrip()) if given.startswith("-") else ("", given)
    if _SPACES.search(body) and not _GROUPED.fullmatch(body):
        raise InvalidInput(_(_SPACED) % {"text": given}, field=field)
    body = _SPACES.sub("", body)
    if _french(language):
        match = _FR.fullmatch(body)
        point = _FR_POINT.fullmatch(body)
        if match is None and point is not None and len(point["dec"]) != 3 and "," not in body:
            match = point
        example, plain = "1 000,50", "1000,50"
    else:
        match = _EN.fullmatch(body)
        example, plain = "1,000.50", "1000.50"
    if match is None:
        raise InvalidInput(
            _(_AMBIGUOUS) % {"text": given, "example": example, "plain": plain},
            field=field,
        )
    whole = match["int"].replace(",", "")
    return sign + whole + (f".{match['dec']}" if match["dec"] else "")


def parse_form_count(text: str, language: str | None = None, *, field: str = "count") -> int | None:
    """``text`` as written in ``language`` (the active one by default) as a whole number, or ``None``
    when empty; :class:`InvalidInput` naming ``field`` otherwise (what :func:`parse_form_amount`
    refuses, and any decimals: ``2,5`` people, or ``1.5``)."""
    plain = parse_form_amount(text, language, field=field)
    if not plain:
        return None
    if "." in plain:
        raise InvalidInput(_(_WHOLE) % {"text": str(text).strip()}, field=field)
    return int(plain)


def written_amount(value: Any) -> str:
    """A number as the active language writes it, grouped, its places kept (``193605.00`` →
    ``193,605.00`` in English, ``193 605,00`` in French): what a form's text says of an amount."""
    from django.utils.formats import number_format

    figure = Decimal(str(value))
    exponent = figure.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else None
    return number_format(figure, decimal_pos=places, use_l10n=True, force_grouping=True)


class _WrittenNumber(forms.CharField):
    """A number typed on a page, read in the page's language by :meth:`parse`; within
    ``min_value`` and ``max_value`` when given; its help text says the forms it reads."""

    help: Any = ""
    code = "number"

    def __init__(
        self, *args: Any, min_value: float | None = None, max_value: float | None = None, **kwargs: Any
    ) -> None:
        help_text = kwargs.pop("help_text", "")
        super().__init__(*args, **kwargs)
        self.help_text = format_lazy("{} ({})", help_text, self.help) if help_text else self.help
        if min_value is not None:
            self.validators.append(MinValueValidator(self.bound(min_value)))
        if max_value is not None:
            self.validators.append(MaxValueValidator(self.bound(max_value)))

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def bound(self, value: Any) -> Any:
        """``value`` as the range validators compare it."""
        return value

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value) or ""
        try:
            return self.parse(text)
        except InvalidInput as exc:
            raise ValidationError(f"{self.label or exc.field}: {exc.message}", code=self.code) from None

    def run_validators(self, value: Any) -> None:
        if value in self.empty_values:
            return
        try:
            super().run_validators(self.bound(value))
        except ValidationError as exc:
            raise ValidationError([f"{self.label}: {m}" for m in exc.messages], code="range") from None


class AmountField(_WrittenNumber):
    """A form's amount, read by :func:`parse_form_amount` in the page's language; its value is the
    plain decimal the services read (``""`` when left empty), within ``min_value`` and
    ``max_value`` when given. Its help text says the forms it reads."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    help = AMOUNT_HELP
    code = "amount"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def parse(self, text: str) -> Any:
        return parse_form_amount(text, field=str(self.label or "amount"))

    def bound(self, value: Any) -> Any:
        return Decimal(str(value))


class DecimalNumberField(AmountField):
    """A decimal number (a coordinate, a distance) read as :class:`AmountField` reads an amount,
    as a ``float`` (``None`` when left empty)."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        text = super().to_python(value)
        return float(text) if text else None


class CountField(_WrittenNumber):
    """A form's count (a whole number), read by :func:`parse_form_count` in the page's language;
    its value is an ``int`` (``None`` when left empty), within ``min_value`` and ``max_value`` when
    given. Its help text says the forms it reads."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})
    help = COUNT_HELP
    code = "count"

    def parse(self, text: str) -> Any:
        return parse_form_count(text, field=str(self.label or "count"))
