"""Every letter kind, walked and rendered in both languages to every recipient, read as a
resident reads it (issue 16): no codes in the text, enclosures that are really there, a
layout that fits the window envelope and does not strand the signature, PDF/A parts."""

import io
import os
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from letters.context import HEARING_WAIVED, MISSING_LABELS, NO_PENALTY, NOT_HANDLED, WORDS
from letters.rendering import TEMPLATES
from tests.letters.layout import runs
from tests.letters.pdfa import pdfa_problems, struct_types
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


# The window of a Dutch window envelope (DL and C5/6, window on the left, 90 x 45 mm,
# 20 mm from the left and 50 mm from the top of the folded sheet), less 3 mm on each
# side for the sheet's play in the envelope: the address must show in full inside it.
WINDOW_LEFT, WINDOW_RIGHT, WINDOW_TOP, WINDOW_BOTTOM = 23.0, 107.0, 53.0, 92.0
# DejaVu Sans: no glyph is wider than 0.65 em in an address (digits and capitals ~0.7
# at most; measured as an upper bound on the widest line of a long street name).
WIDTH_PER_EM = 0.72


def address_runs(each):
    page = runs(each.pdf)
    found = []
    for line in each.address:
        matches = [run for run in page if run.text.replace("\xa0", " ") == line.strip()]
        assert matches, (each.kind, line, [run.text for run in page][:20])
        found.append(matches[0])
    return found


def test_the_address_shows_in_the_envelope_window(walked):
    outside = {}
    for each in walked.specimens:
        if each.recipient != "addressee":
            continue  # a colleague's copy goes by internal mail, no envelope window
        for run in address_runs(each):
            right = run.x + len(run.text) * run.size * WIDTH_PER_EM
            inside = (
                run.x >= WINDOW_LEFT
                and right <= WINDOW_RIGHT
                and run.top >= WINDOW_TOP
                and run.baseline + 0.25 * run.size <= WINDOW_BOTTOM
            )
            if not inside:
                outside[(each.kind, each.language, each.large_print, run.text)] = run
    assert outside == {}
    assert {each.large_print for each in walked.specimens} == {True, False}


def test_the_reference_block_stays_out_of_the_window(walked):
    for each in walked.specimens:
        labels = ("Ons kenmerk", "Datum", "Onderwerp", "Our reference", "Date", "Subject")
        meta = [run for run in runs(each.pdf) if run.text in labels]
        assert len(meta) == 3, (each.kind, each.language)
        for run in meta:  # beside the window, or (large print) below it
            assert run.x >= WINDOW_RIGHT + 5 or run.top >= WINDOW_BOTTOM, (each.kind, run)


def test_the_address_and_the_text_share_one_left_margin(walked):
    for each in walked.specimens:
        address = address_runs(each)
        greeting = next(run for run in runs(each.pdf) if run.text.startswith(("Beste", "Dear")))
        assert abs(address[0].x - greeting.x) < 0.2, (each.kind, address[0].x, greeting.x)


MIN_BODY_LINES = 3


def letter_pages(each) -> int:
    """The pages of the letter itself: before its first enclosure."""
    appended = enclosures_appended(each)
    return each.pages - len(appended)


def body_lines_on(each, page: int) -> list[str]:
    """The lines of letter text on a page: not the footer, greeting, signature or help."""
    help_text = {
        "nl": "Vindt u brieven lastig? Bel ons gerust, of kom langs aan de balie. Wij helpen "
        "u graag.",
        "en": "Do you find letters difficult? Feel free to call us or visit the counter. We "
        "are happy to help.",
    }[each.language]
    closing = {"Met vriendelijke groet,", "Kind regards,", "M. de Vries"}
    lines: dict[float, str] = {}
    for run in runs(each.pdf, page):
        if run.baseline > 280 or run.text in closing or run.text.startswith("Teamleider"):
            continue
        if run.text in help_text:
            continue
        lines.setdefault(round(run.baseline, 1), run.text)
    return list(lines.values())


def test_the_signature_never_stands_on_a_page_of_its_own(walked):
    """The last page of a letter longer than one page carries at least a few lines of
    its text above the greeting and the help box."""
    thin = {}
    longer = 0
    for each in walked.specimens:
        pages = letter_pages(each)
        if pages == 1:
            continue
        longer += 1
        lines = body_lines_on(each, pages - 1)
        if len(lines) < MIN_BODY_LINES:
            thin[(each.kind, each.language, each.recipient, each.large_print)] = lines
    assert thin == {}
    assert longer >= 5  # the test sees letters that run over a page


def test_page_one_of_every_kind_as_a_picture(walked, tmp_path):
    """``make letters-preview`` keeps these in var/letters-preview for a person to read
    (LETTERS_PREVIEW_DIR); the suite makes them in a temporary folder, so the pictures
    never rot: every kind, both languages, to each recipient, standard and large print."""
    target = Path(os.environ.get("LETTERS_PREVIEW_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    made = set()
    for each in walked.specimens:
        name = "-".join(
            [each.kind, each.language]
            + ([] if each.recipient == "addressee" else ["colleague"])
            + (["large"] if each.large_print else [])
        )
        if name in made:
            continue
        made.add(name)
        subprocess.run(  # noqa: S603 - our own PDF, a fixed program
            ["pdftoppm", "-png", "-r", "70", "-singlefile", "-", str(target / name)],  # noqa: S607
            input=each.pdf,
            check=True,
            capture_output=True,
        )
        assert (target / f"{name}.png").stat().st_size > 5000, name
    assert {name.split("-")[0] for name in made} == set(TEMPLATES)


def test_every_letter_passes_our_pdf_a_3a_checks(walked):
    """Our own checks (tests/letters/pdfa.py), since no validator can be installed here."""
    failing = {
        (each.kind, each.language, each.recipient): problems
        for each in walked.specimens
        if (problems := pdfa_problems(each.pdf, each.language))
    }
    assert failing == {}


def test_the_letters_are_tagged_with_paragraphs_headings_a_table_and_the_logo(walked):
    decision = specimen(walked, "objection_decision")
    assert {"/P", "/H1", "/Table", "/TH", "/TD", "/Figure"} <= struct_types(decision.pdf)


def broken(data: bytes, change) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _figure_without_alt(pdf) -> None:
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure":
            del obj["/Alt"]


@pytest.mark.parametrize(
    ("change", "clause"),
    [
        (lambda pdf: pdf.Root.__delitem__("/Lang"), "6.7.3.3"),
        (lambda pdf: pdf.Root.__delitem__("/OutputIntents"), "6.2.3"),
        (lambda pdf: pdf.Root.__delitem__("/StructTreeRoot"), "6.7.3"),
        (lambda pdf: pdf.Root.__delitem__("/MarkInfo"), "6.7.2.2"),
        (_figure_without_alt, "alternative text"),
        (lambda pdf: pdf.Root.__setitem__("/AA", pikepdf.Dictionary()), "6.6.1"),
    ],
)
def test_the_checks_find_what_is_wrong(walked, change, clause):
    """The checks are not empty: each finds the fault it is there for."""
    letter = specimen(walked, "objection_decision").pdf
    assert pdfa_problems(letter, "nl") == []
    assert any(clause in problem for problem in pdfa_problems(broken(letter, change), "nl"))
