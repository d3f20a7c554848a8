from datetime import date

import pytest

from app.validation import (
    FieldError,
    normalise_email,
    normalise_postcode,
    parse_date_of_birth,
    parse_day_month_year,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "typed, stored",
    [("wv11aa", "WV1 1AA"), (" WV1  1AA ", "WV1 1AA"), ("sw1a1aa", "SW1A 1AA"), ("m11ae", "M1 1AE"), ("", "")],
)
def test_postcodes_are_normalised(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["WV1", "12345", "QQ1 1AA", "WV1 1AAA"])
def test_impossible_postcodes_are_refused_with_a_message(typed):
    with pytest.raises(FieldError, match="real postcode"):
        normalise_postcode(typed)


def test_email_is_checked_and_kept_as_typed_apart_from_the_domain_case():
    assert normalise_email(" Someone@Example.ORG ") == "Someone@example.org"
    with pytest.raises(FieldError, match="correct format"):
        normalise_email("someone@")


@pytest.mark.parametrize(
    "day, month, year", [("99999999999999999999", "1", "1980"), ("31", "2", "1980"), ("1", "13", "1980")]
)
def test_impossible_dates_of_birth_get_a_message_not_an_exception(day, month, year):
    with pytest.raises(FieldError):
        parse_day_month_year(day, month, year, TODAY)


def test_dates_of_birth_in_both_written_forms():
    assert parse_date_of_birth("1987-03-27", TODAY) == date(1987, 3, 27)
    assert parse_date_of_birth("27/03/1987", TODAY) == date(1987, 3, 27)
    with pytest.raises(FieldError, match="past"):
        parse_date_of_birth("2030-01-01", TODAY)
    with pytest.raises(FieldError):
        parse_date_of_birth("27/03/99999999999999999", TODAY)
