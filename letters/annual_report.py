"""``GET /api/v1/reports/complaints/{year}``: the annual complaint report (Awb 9:12a) as
JSON, as a tagged PDF/A (``Accept: application/pdf``, made as letters are made) or as
CSV (``Accept: text/csv``); Dutch, or English with ``?language=en``. No personal data:
the numbers come from the anonymous figures (``cases.figures``) and the measures from
the team leads. Callers: team leads and administrators (``cases.view_reports``).
"""

import csv
import io
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from backend.accounts.models import Team
from backend.api.camel import CamelCaseJSONRenderer
from backend.api.problems import problem_responses
from backend.api.views import ServiceView
from cases.api.reports import CanViewReports, report_year
from cases.figures import annual_complaint_report
from cases.models import Channel
from cases.workflows.complaint import ComplaintState, Judgement
from letters.models import Branding
from letters.rendering import long_date, render_document

NONE = "\u2013"  # an en dash: no figure (nothing counted)


def _percent(share: float | None) -> str:
    return NONE if share is None else f"{round(share * 100)}%"


def _plain(value: Any) -> str:
    return NONE if value is None else str(value)


def report_document_context(report: dict[str, Any], language: str) -> dict[str, Any]:
    """What the PDF shows: the report with labels in the reader's language."""
    teams = dict(Team.objects.values_list("code", "name"))
    branding = Branding.current()
    with translation.override(language):
        channel = dict(Channel.choices)
        status = dict(ComplaintState.choices)
        judgement = dict(Judgement.choices)
        nl = language == "nl"
        summary = [
            (gettext("Received"), report["received"]),
            (gettext("Handled"), report["handled"]),
            (gettext("Still open on 31 December"), report["open_at_year_end"]),
            (gettext("Handled within the legal term"), _percent(report["decided_on_time"])),
            (gettext("Resolved with a conversation"), _percent(report["resolved_informally"])),
            (
                gettext("First contact within our norm"),
                _percent(report["first_contact_within_norm"]),
            ),
            (gettext("Handling time, median (days)"), _plain(report["handling_days_median"])),
            (gettext("90% handled within (days)"), _plain(report["handling_days_p90"])),
            (gettext("Satisfaction, average (1 to 5)"), _plain(report["satisfaction_average"])),
        ]
        sections = [
            {
                "title": gettext("How the complaints came in"),
                "column": gettext("Channel"),
                "rows": [
                    (str(channel.get(r["value"], r["value"])), r["cases"])
                    for r in report["by_channel"]
                ],
            },
            {
                "title": gettext("What the complaints were about"),
                "column": gettext("Department"),
                "rows": [
                    (teams.get(r["value"], r["value"] or gettext("Intake")), r["cases"])
                    for r in report["by_subject_area"]
                ],
            },
            {
                "title": gettext("How they ended"),
                "column": gettext("Outcome"),
                "rows": [
                    (str(status.get(r["value"], r["value"])), r["cases"])
                    for r in report["by_outcome"]
                ],
            },
            {
                "title": gettext("Judgement of complaints handled formally"),
                "column": gettext("Judgement"),
                "rows": [
                    (str(judgement.get(r["value"], r["value"])), r["cases"])
                    for r in report["by_judgement"]
                    if r["value"]
                ],
            },
        ]
        return {
            "title": (
                f"Jaarverslag klachten {report['year']}"
                if nl
                else f"Annual complaint report {report['year']}"
            ),
            "language": language,
            "municipality": branding.municipality,
            "logo": branding.logo_data_uri,
            "year": report["year"],
            "made_on": long_date(timezone.localdate(), language),
            "summary": summary,
            "sections": sections,
            "measures": report["measures"],
            "page_label": "Pagina" if nl else "Page",
            "of_label": "van" if nl else "of",
        }


class ReportPdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # noqa: ANN001, ANN201
        language = (renderer_context or {}).get("language", "nl")
        context = report_document_context(data, language)
        return render_document("annual_complaint_report", language, context).pdf


class ReportCsvRenderer(BaseRenderer):
    """One line per figure: section, item, value."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # noqa: ANN001, ANN201
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "item", "value"])
        for key, value in data.items():
            if isinstance(value, list):
                for row in value:
                    writer.writerow([key, row["value"], row["cases"]])
            else:
                writer.writerow(["summary", key, "" if value is None else value])
        return out.getvalue().encode()


class AnnualComplaintReportView(ServiceView):
    permission_classes = [IsAuthenticated, CanViewReports]
    renderer_classes = [CamelCaseJSONRenderer, ReportPdfRenderer, ReportCsvRenderer]

    @extend_schema(
        operation_id="complaintReportRetrieve",
        parameters=[
            OpenApiParameter("language", str, enum=["nl", "en"], description="Of the PDF.")
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="The report's numbers and measures."
            ),
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The report, tagged PDF/A."
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="As CSV."),
            **problem_responses(400, 401, 403),
        },
        tags=["reports"],
    )
    def get(self, request: Request, year: str) -> Response:
        number = report_year(year)
        language = request.query_params.get("language", "nl")
        if language not in ("nl", "en"):
            language = "nl"
        self.language = language
        headers = {}
        renderer = request.accepted_renderer
        if isinstance(renderer, (ReportPdfRenderer, ReportCsvRenderer)):
            name = f"jaarverslag-klachten-{number}.{renderer.format}"
            headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(annual_complaint_report(number), headers=headers)

    def get_renderer_context(self) -> dict[str, Any]:
        return {**super().get_renderer_context(), "language": getattr(self, "language", "nl")}
