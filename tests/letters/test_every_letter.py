"""Every letter kind, walked and rendered in both languages to every recipient, read as a
resident reads it (issue 16): no codes in the text, enclosures that are really there, a
layout that fits the window envelope and does not strand the signature, PDF/A parts."""

import re

import pytest

from letters.context import HEARING_WAIVED, MISSING_LABELS, NO_PENALTY, NOT_HANDLED, WORDS
from letters.rendering import TEMPLATES
from tests.letters.specimens import (
    COMPLAINT_VALUES,
    LANGUAGES,
    MISSING_ITEMS,
    OBJECTION_VALUES,
    PENALTY_GROUNDS,
    walk_every_letter,
)

# pytest-django sets up the test database only for a session that has tests marked so.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def walked(django_db_setup, django_db_blocker):
    return walk_every_letter(django_db_blocker)


def test_the_walk_gives_every_kind_in_both_languages(walked):
    made = {(each.kind, each.language) for each in walked.specimens}
    assert made == {(kind, language) for kind in TEMPLATES for language in LANGUAGES}
    assert {each.recipient for each in walked.specimens} == {
        "addressee",
        "person_complained_about",
    }
    assert re.search(r"\d", walked.specimens[0].text)


# What a code looks like in running text: snake_case, camelCase, Python's own words for
# nothing.
IDENTIFIER = re.compile(
    r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+[A-Z][A-Za-z]*\b|\b(?:None|True|False|null)\b"
)
# English code words that are values of the printed enumerations (or of the repair
# request's known items): in Dutch text they can only be a code that leaked.
CODE_WORDS = {
    value
    for values in (*COMPLAINT_VALUES.values(), *OBJECTION_VALUES.values(), MISSING_ITEMS)
    for value in values
    if "_" not in value
}


def identifiers(text: str, language: str) -> list[str]:
    found = IDENTIFIER.findall(text)
    if language == "nl":
        found += [word for word in re.findall(r"[A-Za-z]+", text) if word in CODE_WORDS]
    return found


def test_no_codes_in_any_letter(walked):
    """Every kind, both languages, every recipient, as laid out in the PDF."""
    found = {
        (each.kind, each.language, each.recipient): identifiers(each.text, each.language)
        for each in walked.specimens
    }
    assert {key: words for key, words in found.items() if words} == {}


def test_no_codes_with_any_value_of_the_printed_enumerations(walked):
    """Each kind re-rendered with every value of every enumeration it could print."""
    assert len(walked.variants) > 500
    found = {
        (each.kind, each.language, each.name, each.value): identifiers(each.text, each.language)
        for each in walked.variants
    }
    assert {key: words for key, words in found.items() if words} == {}


@pytest.mark.parametrize(
    ("labels", "values"),
    [
        (WORDS, COMPLAINT_VALUES["judgement"]),
        (WORDS, COMPLAINT_VALUES["satisfaction_confirmed_via"]),
        (NOT_HANDLED, COMPLAINT_VALUES["not_handled_ground"]),
        (WORDS, OBJECTION_VALUES["outcome"]),
        (WORDS, OBJECTION_VALUES["costs"]),
        (HEARING_WAIVED, OBJECTION_VALUES["hearing_waived_ground"]),
        (NO_PENALTY, [ground for ground in PENALTY_GROUNDS if ground]),
        (MISSING_LABELS, MISSING_ITEMS),
    ],
)
def test_every_printed_value_has_a_dutch_and_an_english_label(labels, values):
    for language in LANGUAGES:
        missing = [value for value in values if not labels[language].get(value)]
        assert missing == [], language


ENCLOSURE_WORD = {"nl": "bijlage", "en": "enclosure"}


def enclosures_referred_to(text: str, language: str) -> set[int]:
    return {int(n) for n in re.findall(rf"\({ENCLOSURE_WORD[language]} (\d+)\)", text)}


def enclosures_appended(specimen) -> dict[int, str]:
    """Number and first lines of each page that starts an enclosure."""
    word = ENCLOSURE_WORD[specimen.language].capitalize()
    found = {}
    for page in specimen.page_texts()[1:]:
        first = " ".join(page.split())
        match = re.match(rf"{word} (\d+): ", first)
        if match:
            found[int(match.group(1))] = first
    return found


def test_a_letter_says_something_is_enclosed_only_when_it_is(walked):
    """Every "(bijlage N)" in a letter's text is a page of its own that starts with
    "Bijlage N:", and every such page is referred to; and no letter claims an enclosure
    in other words."""
    mismatched = {}
    for each in walked.specimens:
        referred = enclosures_referred_to(" ".join(each.text.split()), each.language)
        appended = set(enclosures_appended(each))
        if referred != appended:
            mismatched[(each.kind, each.language, each.recipient)] = (referred, appended)
    assert mismatched == {}
    claims = re.compile(r"zit(ten)? bij deze brief|is enclosed|are enclosed")
    for each in walked.specimens:
        for sentence in re.split(r"(?<=[.!?])\s", " ".join(each.text.split())):
            if claims.search(sentence):
                assert re.search(r"\((bijlage|enclosure) \d+\)", sentence), sentence


def specimen(walked, kind, language="nl"):
    return next(
        each
        for each in walked.specimens
        if (each.kind, each.language, each.recipient) == (kind, language, "addressee")
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_decision_carries_the_committees_advice_and_the_hearing_report(walked, language):
    """Awb 7:13(7) the advice, 7:7 the report: appended pages, so e-mail and print batch
    carry them with the letter."""
    decision = specimen(walked, "objection_decision", language)
    appended = enclosures_appended(decision)
    assert set(appended) == {1, 2}
    assert "Commissie bezwaarschriften" in appended[1]
    assert "De commissie adviseert het bezwaar ongegrond" in appended[1]
    assert "Bezwaarmaker lichtte toe" in appended[2]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_complaint_outcome_carries_the_report_of_the_hearing(walked, language):
    """Awb 9:10(3): a report of the hearing is made; the complainant gets it."""
    appended = enclosures_appended(specimen(walked, "complaint_outcome", language))
    assert list(appended) == [1]
    assert "Beide partijen zijn gehoord." in appended[1]
