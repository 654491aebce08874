"""Amounts on the pages are read as written in the page's language: ``1 000,50`` in French,
``1,000.50`` in English; what could be read two ways, and other scripts' digits, are refused with a
message naming the field. The forms of every app use the one field of ``veille.kit.forms``."""

from __future__ import annotations

import pytest
from django.utils import translation

from veille.core.errors import InvalidInput
from veille.kit.forms import MESSAGES, AmountField, CountField, parse_form_amount, parse_form_count


@pytest.mark.parametrize(
    "language, text, plain",
    [
        ("fr", "1 000,50", "1000.50"),
        ("fr", "1000,50", "1000.50"),
        ("fr", "1\u00a0000,50", "1000.50"),
        ("fr", "1\u202f234\u202f567,5", "1234567.5"),
        ("fr", "1000.5", "1000.5"),
        ("fr", "-3,25", "-3.25"),
        ("fr", "12", "12"),
        ("en", "1,000.50", "1000.50"),
        ("en", "1000.50", "1000.50"),
        ("en", "1 000.50", "1000.50"),
        ("en", "1,234,567", "1234567"),
        ("en", "-5", "-5"),
        ("fr", "  ", ""),
    ],
)
def test_an_amount_is_read_as_written_in_the_language(language: str, text: str, plain: str) -> None:
    assert parse_form_amount(text, language) == plain


@pytest.mark.parametrize(
    "language, text",
    [
        ("fr", "1.000"),  # a thousand, or one?
        ("fr", "1.000,50"),
        ("fr", "1,000.50"),
        ("fr", "1 00,5"),
        ("en", "1,5"),  # a French decimal comma, or a misplaced group?
        ("en", "1000,50"),
        ("en", "1,00"),
        ("en", "1.000,50"),
        ("en", "1 00"),
        ("fr", "\u0661\u0660\u0660\u0660"),
        ("en", "\u0967\u0966"),
        ("en", "1_000"),
        ("fr", "1e3"),
        ("en", "+5"),
        ("en", "12 EUR"),
    ],
)
def test_what_could_be_read_two_ways_is_refused_naming_the_field(language: str, text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_form_amount(text, language, field="unit_cost_usd")
    assert caught.value.field == "unit_cost_usd"


def test_the_field_follows_the_active_language_and_names_itself() -> None:
    field = AmountField(label="Unit cost")
    with translation.override("fr"):
        assert field.clean("4 000 000,50") == "4000000.50"
        with pytest.raises(Exception) as caught:
            field.clean("4.000")
        assert "Unit cost" in str(caught.value) and "1 000,50" in str(caught.value)
    with translation.override("en"):
        assert field.clean("4,000,000.50") == "4000000.50"
        with pytest.raises(Exception) as caught:
            field.clean("4,0")
        assert "Unit cost" in str(caught.value) and "1,000.50" in str(caught.value)


def test_the_help_text_says_both_forms() -> None:
    with translation.override("en"):
        help_text = str(AmountField(label="x", help_text="Two decimals at most").help_text)
    assert (
        help_text.startswith("Two decimals at most") and "1,000.50" in help_text and "1 000,50" in help_text
    )
    with translation.override("fr"):
        assert "1 000,50" in str(AmountField(label="x").help_text)


def test_every_text_of_the_amount_fields_is_translated_in_french() -> None:
    from veille.web.kit_messages import KIT_MESSAGES

    assert set(MESSAGES) == set(KIT_MESSAGES)
    with translation.override("fr"):
        untranslated = [m for m in MESSAGES if translation.gettext(m) == m]
    assert not untranslated


def test_a_french_page_explains_the_refusal_in_french() -> None:
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        parse_form_amount("1.000", field="montant")
    assert "ambigu" in caught.value.message and "1 000,50" in caught.value.message


@pytest.mark.parametrize(
    "language, text, count",
    [("fr", "1 000", 1000), ("fr", "1000", 1000), ("en", "1,000", 1000), ("en", "12", 12), ("en", " ", None)],
)
def test_a_count_is_read_as_written_in_the_language(language: str, text: str, count: int | None) -> None:
    assert parse_form_count(text, language) == count


@pytest.mark.parametrize(
    "language, text",
    [("fr", "2,5"), ("en", "2.5"), ("fr", "1.000"), ("en", "1,5"), ("en", "1e3"), ("fr", "dix")],
)
def test_a_count_with_decimals_or_read_two_ways_is_refused(language: str, text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_form_count(text, language, field="trainees")
    assert caught.value.field == "trainees"


def test_the_count_field_names_itself_and_keeps_its_range() -> None:
    field = CountField(label="Trainees", min_value=0)
    with translation.override("fr"):
        assert field.clean("1 200") == 1200 and "1 000" in str(field.help_text)
        with pytest.raises(Exception) as caught:
            field.clean("12,5")
        assert "Trainees" in str(caught.value) and "nombre entier" in str(caught.value)
    with translation.override("en"), pytest.raises(Exception) as caught:
        field.clean("-3")
    assert "Trainees" in str(caught.value)
