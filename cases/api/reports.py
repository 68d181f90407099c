"""``GET /api/v1/reports/figures``: the figures of the cases closed in a period - time
to first contact against the norm, share resolved informally, share decided on time,
median and 90th percentile of handling days, extensions, postponements, penalties paid,
satisfaction - each also for residents who need extra care; by kind, channel, team or
outcome. JSON, or CSV with ``Accept: text/csv``. Callers: team leads and administrators
(``cases.view_reports``): the rows are anonymous.
"""

import csv
import datetime
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.camel import CamelCaseJSONRenderer
from backend.api.problems import InvalidParams, problem_responses
from backend.api.views import ServiceView
from cases.figures import ReportFilters, figures_report
from cases.models import CaseKind, Channel
from cases.services import measures_write

VIEW_REPORTS = "cases.view_reports"
_EARLIEST = datetime.date(2000, 1, 1)


class CanViewReports(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm(VIEW_REPORTS)


class FiguresQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="Cases closed on or after (default: 1 January).")
    end = serializers.DateField(help_text="Cases closed on or before (default: today).")
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    team = serializers.CharField(max_length=40, required=False, help_text="A team's code.")
    outcome = serializers.CharField(max_length=30, required=False, help_text="A final status.")
    groupBy = serializers.ChoiceField(  # noqa: N815 - a query parameter, camelCase
        choices=["kind", "channel", "team", "outcome"], required=False
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        today = timezone.localdate()
        given = {"start": today.replace(month=1, day=1).isoformat(), "end": today.isoformat()}
        given.update({key: value for key, value in data.items() if value not in ("", None)})
        return super().to_internal_value(given)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["start"] < _EARLIEST or data["end"] > datetime.date(2999, 12, 31):
            raise serializers.ValidationError({"start": gettext("Give a date after 2000.")})
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": gettext("The end lies before the start.")})
        return data

    def filters(self) -> ReportFilters:
        data = self.validated_data
        group = {"team": "team_code"}.get(data.get("groupBy", ""), data.get("groupBy", ""))
        return ReportFilters(
            start=data["start"],
            end=data["end"],
            kind=data.get("kind", ""),
            channel=data.get("channel", ""),
            team_code=data.get("team", ""),
            outcome=data.get("outcome", ""),
            group=group,
        )


_FIGURES = {
    "cases": serializers.IntegerField(),
    "first_contact_within_norm": serializers.FloatField(allow_null=True),
    "first_contact_hours_median": serializers.IntegerField(allow_null=True),
    "resolved_informally": serializers.FloatField(allow_null=True),
    "decided_on_time": serializers.FloatField(allow_null=True),
    "handling_days_median": serializers.IntegerField(allow_null=True),
    "handling_days_p90": serializers.IntegerField(allow_null=True),
    "extensions": serializers.IntegerField(),
    "postponements": serializers.IntegerField(),
    "penalties_paid": serializers.CharField(),
    "ratings": serializers.IntegerField(),
    "satisfaction_average": serializers.FloatField(allow_null=True),
}
FIGURE_NAMES = tuple(_FIGURES)  # before inline_serializer, which adds to the dicts it gets
_LINE = inline_serializer(
    "FiguresLine",
    {
        "group": serializers.CharField(),
        **_FIGURES,
        "extra_care": inline_serializer("FiguresExtraCare", dict(_FIGURES), allow_null=True),
    },
    many=True,
)


class FiguresCsvRenderer(BaseRenderer):
    """The report as CSV (``Accept: text/csv``): a line per group, the extra-care figures
    in columns of their own."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # noqa: ANN001, ANN201
        names = FIGURE_NAMES
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["group", *names, *(f"extra_care_{name}" for name in names)])
        for line in data["results"]:
            care = line["extra_care"] or {}
            writer.writerow(
                [line["group"], *(line[n] for n in names), *(care.get(n, "") for n in names)]
            )
        return out.getvalue().encode()


class FiguresView(ServiceView):
    permission_classes = [IsAuthenticated, CanViewReports]
    renderer_classes = [CamelCaseJSONRenderer, FiguresCsvRenderer]

    @extend_schema(
        operation_id="reportFiguresRetrieve",
        parameters=[FiguresQuerySerializer],
        responses={
            (200, "application/json"): inline_serializer(
                "Figures",
                {
                    "start": serializers.DateField(),
                    "end": serializers.DateField(),
                    "results": _LINE,
                },
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The same, as CSV."),
            **problem_responses(400, 401, 403),
        },
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        query = FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.filters()
        lines = figures_report(filters)
        headers = {}
        if isinstance(request.accepted_renderer, FiguresCsvRenderer):
            headers["Content-Disposition"] = 'attachment; filename="cijfers.csv"'
        return Response(
            {"start": filters.start, "end": filters.end, "results": lines}, headers=headers
        )


class MeasuresSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=20000,
        help_text="What was done with the year's complaints (no names: the report is public).",
    )


WRITE_MEASURES = "cases.write_report_measures"


class CanWriteMeasures(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm(WRITE_MEASURES)


class ComplaintReportMeasuresView(ServiceView):
    """The measures section of the annual complaint report (Awb 9:12a) for a year.
    Callers: team leads."""

    permission_classes = [IsAuthenticated, CanWriteMeasures]

    @extend_schema(
        operation_id="complaintReportMeasuresUpdate",
        request=MeasuresSerializer,
        responses={200: MeasuresSerializer, **problem_responses(400, 401, 403)},
        tags=["reports"],
    )
    def put(self, request: Request, year: str) -> Response:
        number = report_year(year)
        given = MeasuresSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        measures_write(year=number, text=given.validated_data["text"], by=request.user)
        return Response({"text": given.validated_data["text"]})


def report_year(given: str) -> int:
    """The report's year from the path: 2000 up to this year, else a 400 on ``year``."""
    if given.isdigit() and 2000 <= int(given) <= timezone.localdate().year:
        return int(given)
    reason = gettext("Give a year from 2000 up to this year.")
    raise InvalidParams([{"name": "year", "code": "invalid", "reason": reason}])
