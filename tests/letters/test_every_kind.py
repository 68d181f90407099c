"""Every letter a workflow can request has a versioned template in both languages."""

import re
from pathlib import Path

from django.template.loader import get_template

from cases.penalties import DECISION_LETTER
from letters.context import TITLES
from letters.rendering import TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
REQUESTING = [
    ROOT / "cases/workflows/complaint_effects.py",
    ROOT / "cases/workflows/objection_effects.py",
    ROOT / "cases/penalties.py",
]


def requested_kinds() -> set[str]:
    kinds = set()
    for source in REQUESTING:
        text = source.read_text()
        kinds |= set(
            re.findall(r'letter_request\((?:\s*#[^\n]*)?\s*case,\s*event,\s*"([a-z_]+)"', text)
        )
    return kinds


def test_the_letters_requested_are_exactly_the_letters_with_templates():
    """No request waits forever for a template, and no template is never used."""
    assert requested_kinds() == set(TEMPLATES)


def test_the_letter_that_ends_a_penalty_is_the_one_the_decision_step_requests():
    assert DECISION_LETTER in requested_kinds()


def test_every_requested_kind_has_a_version_a_title_and_both_templates():
    for kind in requested_kinds():
        assert kind in TEMPLATES, kind
        assert set(TITLES[kind]) == {"nl", "en"}, kind
        for language in ("nl", "en"):
            get_template(f"letters/{language}/{kind}.html")
