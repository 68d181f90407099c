"""Amounts in letters: '€ 1.442,00' in Dutch, '€1,442.00' in English."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from letters.rendering import euro

amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)


def test_the_examples_of_the_style_guide():
    assert euro("1442", "nl") == "€ 1.442,00"
    assert euro(Decimal("23.5"), "nl") == "€ 23,50"
    assert euro("1442", "en") == "€1,442.00"


@given(amounts)
def test_dutch_amounts_read_back_to_the_same_number(amount):
    text = euro(amount, "nl")
    assert text.startswith("€ ")
    digits = text[2:].replace(".", "").replace(",", ".")
    assert Decimal(digits) == amount
    assert text.count(",") == 1
    assert len(text.rsplit(",", 1)[1]) == 2


@given(amounts)
def test_english_amounts_read_back_to_the_same_number(amount):
    text = euro(amount, "en")
    assert Decimal(text[1:].replace(",", "")) == amount
