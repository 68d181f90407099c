"""HTML letters to PDF/A with WeasyPrint.

Variant PDF/A-3a: an archive format that is also tagged (structure tree, document
language), so screen readers can read it; one file cannot declare PDF/A and PDF/UA at
once, and archiving is the legal need here (Archiefwet), so PDF/A with tagging it is.
Rendering never fetches anything: fonts are the system's, CSS is inline, the logo is
inlined as a data: URL, and the URL fetcher refuses every other URL.
"""

import datetime
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import weasyprint
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/a-3a"

# Bumped whenever a template's wording changes; each letter records the version it used.
TEMPLATES: dict[str, str] = {
    "complaint_receipt": "2026.11.2",  # .2: what the complaint is about
    "objection_receipt": "2026.12.1",  # 12.1: what is missing in plain words
    "complaint_informal_resolution": "2026.11.1",
    "complaint_outcome": "2026.12.1",  # 12.1: the hearing report enclosed
    # .2: the appeal term's last day as a date; 12.1: "we heard you" only of a held
    # hearing, the advice and the hearing report enclosed as pages of their own
    "objection_decision": "2026.12.1",
    "objection_repair_request": "2026.12.1",  # 12.1: each missing item in words
    "objection_hearing_invitation": "2026.11.1",
    "complaint_extension_notice": "2026.11.1",
    "objection_postponement_notice": "2026.11.1",
    "objection_committee_referral": "2026.11.1",
    "complaint_not_handled_notice": "2026.11.1",
    "objection_withdrawal_confirmation": "2026.11.2",  # .2: withdrawn by the resident
    "complaint_withdrawal_confirmation": "2026.11.1",
    "objection_informal_contact_confirmation": "2026.11.1",
    "complaint_copy_to_person_complained_about": "2026.11.1",
    "complaint_hearing_invitation": "2026.11.1",
    "objection_penalty_decision": "2026.11.2",  # .2: the postal address on one line
}


def inline_only_fetcher() -> URLFetcher:
    """A URL fetcher that opens ``data:`` URLs (the logo, inlined) and nothing else.

    Any other URL (http, https, file, ftp) is refused before a connection is made;
    WeasyPrint then leaves that resource out and logs a warning. One per document: the
    fetcher keeps per-request state.
    """
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    pages: int
    title: str
    template_version: str


def long_date(value: datetime.date | datetime.datetime | None, language: str) -> str:
    """'dinsdag 13 mei 2025' (Dutch) or 'Tuesday 13 May 2025' (English)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    with translation.override(language):
        return formats.date_format(value, "l j F Y")


def euro(amount: Decimal | str, language: str) -> str:
    """'€ 1.442,00' (Dutch: point for thousands, decimal comma) or '€1,442.00' (English)."""
    text = f"{Decimal(amount).quantize(Decimal('0.01')):,.2f}"
    if language == "nl":
        return "€ " + text.translate(str.maketrans(",.", ".,"))
    return "€" + text


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, reused for every letter.

    WeasyPrint builds a new one per document when given none: that costs about a fifth of
    the rendering time and memory that is not given back (measured in bench/letters.py:
    a worker grew by ~250 MiB per 1,000 letters; with one per thread it stays flat).
    Letters use system fonts only (no @font-face), so nothing accumulates in it.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def render(kind: str, language: str, context: dict[str, Any]) -> RenderedLetter:
    """Render one letter kind in one language from its versioned template."""
    return _rendered(f"letters/{language}/{kind}.html", TEMPLATES[kind], language, context)


# Documents that are not letters (no address, no window): rendered the same way.
DOCUMENTS: dict[str, str] = {
    "annual_complaint_report": "2026.12.1",
}


def render_document(name: str, language: str, context: dict[str, Any]) -> RenderedLetter:
    """Render a document (the annual complaint report) as tagged PDF/A, as letters are."""
    return _rendered(f"letters/{language}/{name}.html", DOCUMENTS[name], language, context)


def _rendered(
    template: str, version: str, language: str, context: dict[str, Any]
) -> RenderedLetter:
    with translation.override(language):
        html = render_to_string(template, context)
    # Lay out once, then write: the page count comes from the layout, not a re-parse.
    document = weasyprint.HTML(string=html, url_fetcher=inline_only_fetcher()).render(
        font_config=_font_config()
    )
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedLetter(
        pdf=pdf, pages=len(document.pages), title=context["title"], template_version=version
    )
