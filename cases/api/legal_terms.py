"""Term calculator: ``GET /api/v1/legal-terms/{term}`` and the penalty-payment calculator.

For staff, forms and integrations ("you will hear from us by ..."). Callers: anyone,
signed in or not - it computes from public law and holds no personal data.
"""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.inputs import PlausibleDateField, StrictQuery
from backend.api.problems import InvalidParams, problem_responses
from backend.api.views import ServiceView
from cases.deadlines import short_term_calendar, term_compute
from cases.legal import penalty

STEPS = inline_serializer(
    "TermStep",
    {
        "rule": serializers.CharField(),
        "text": serializers.CharField(),
        "date": serializers.DateField(allow_null=True),
    },
    many=True,
)


def _valid(query: type[StrictQuery], request: Request) -> dict[str, Any]:
    serializer = query(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TermQuery(StrictQuery):
    startDate = PlausibleDateField(  # noqa: N815
        help_text=(
            "objection-period: the day the decision was made known; objection-decision: the "
            "day the objection period ended; complaint-handling: the day of receipt."
        )
    )
    # No defaults: a generated client would send them, and objection-period refuses both.
    withCommittee = serializers.BooleanField(  # noqa: N815
        required=False,
        help_text="An advisory committee (9:11 / 7:13); default false. Only for "
        "objection-decision and complaint-handling.",
    )
    extensionWeeks = serializers.IntegerField(  # noqa: N815
        required=False,
        min_value=0,
        # A postponement is weeks, agreed in writing; two years is beyond any real case.
        max_value=104,
        help_text="Postponement (9:11(2), 7:10(3)) in weeks; default 0. Only for "
        "objection-decision and complaint-handling.",
    )


_TERM_PARAMS = {
    "objection-period": set(),
    "objection-decision": {
        "withCommittee": "with_committee",
        "extensionWeeks": "postponement_weeks",
    },
    "complaint-handling": {"withCommittee": "with_committee", "extensionWeeks": "extension_weeks"},
}


class LegalTermView(ServiceView):
    """The end date of a legal term, with each rule applied explained step by step."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="legalTermRetrieve",
        parameters=[
            OpenApiParameter(
                "term",
                str,
                OpenApiParameter.PATH,
                enum=sorted(_TERM_PARAMS),
                description="Which term to compute.",
            ),
            TermQuery,
        ],
        responses={
            200: inline_serializer(
                "LegalTerm",
                {
                    "term": serializers.CharField(),
                    "startDate": serializers.DateField(),
                    "endDate": serializers.DateField(),
                    "legalBasis": serializers.CharField(),
                    "steps": STEPS,
                },
            ),
            **problem_responses(400),
        },
        tags=["legal terms"],
        auth=[{}],
    )
    def get(self, request: Request, term: str) -> Response:
        if term not in _TERM_PARAMS:
            raise InvalidParams(
                [
                    {
                        "name": "term",
                        "code": "invalid_choice",
                        "reason": gettext("Unknown term. Known: %(terms)s.")
                        % {"terms": ", ".join(sorted(_TERM_PARAMS))},
                    }
                ]
            )
        data = _valid(TermQuery, request)
        allowed = _TERM_PARAMS[term]
        for name in ("withCommittee", "extensionWeeks"):
            if name in request.query_params and name not in allowed:
                raise InvalidParams(
                    [
                        {
                            "name": name,
                            "code": "invalid",
                            "reason": gettext("Does not apply to %(term)s.") % {"term": term},
                        }
                    ]
                )
        neutral = {"withCommittee": False, "extensionWeeks": 0}
        kwargs = {allowed[name]: data.get(name, neutral[name]) for name in allowed}
        try:
            result = term_compute(term, data["startDate"], **kwargs)
        except ValueError as error:
            raise InvalidParams(
                [{"name": "extensionWeeks", "code": "invalid", "reason": str(error)}]
            ) from error
        return Response(
            {
                "term": term,
                "start_date": data["startDate"],
                "end_date": result.end_date,
                "legal_basis": result.legal_basis,
                "steps": [{"rule": s.rule, "text": s.text, "date": s.date} for s in result.steps],
            }
        )


class PenaltyQuery(StrictQuery):
    termExpired = PlausibleDateField(required=False)  # noqa: N815
    noticeOfDefaultReceived = PlausibleDateField(required=False)  # noqa: N815
    decisionSent = PlausibleDateField(required=False)  # noqa: N815
    # A penalty runs at most 42 days (Awb 4:17(2)); more give the same amount, up to
    # what a caller could mean (a late decision's days since 1994).
    days = serializers.IntegerField(required=False, min_value=0, max_value=40_000)

    def validate_noticeOfDefaultReceived(self, value: datetime.date) -> datetime.date:  # noqa: N802
        first = min(band.valid_from for band in penalty.BANDS)
        if value < first:
            raise serializers.ValidationError(
                gettext("Penalty payments apply to notices received from %(date)s (Awb 4:17).")
                % {"date": first.isoformat()}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "days" in attrs:
            if len(attrs) > 1:
                raise serializers.ValidationError(
                    {"days": gettext("Give days alone, or the dates.")}
                )
            return attrs
        missing = {"termExpired", "noticeOfDefaultReceived"} - set(attrs)
        if missing:
            raise serializers.ValidationError(
                {name: gettext("Required.") for name in sorted(missing)}
            )
        return attrs


class PenaltyPaymentView(ServiceView):
    """Penalty payment for a late objection decision (Awb 4:17-4:18; the Atw does not
    apply to the 42 days, and to the two-week terms as the municipality reads it).

    With ``termExpired`` and ``noticeOfDefaultReceived`` (and ``decisionSent`` once it was
    sent): whether the notice counts, the first penalty day, the days and amount so far;
    with ``days`` alone: the amount of that many penalty days.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="penaltyPaymentRetrieve",
        parameters=[PenaltyQuery],
        responses={
            200: inline_serializer(
                "PenaltyPayment",
                {
                    "noticeCounts": serializers.BooleanField(required=False),
                    "firstPenaltyDay": serializers.DateField(required=False, allow_null=True),
                    "lastPenaltyDay": serializers.DateField(required=False, allow_null=True),
                    "fixAmountBy": serializers.DateField(required=False, allow_null=True),
                    "days": serializers.IntegerField(),
                    "amount": serializers.DecimalField(max_digits=8, decimal_places=2),
                    "currency": serializers.CharField(),
                    "bands": serializers.ListField(child=serializers.DictField()),
                    "legalBasis": serializers.CharField(),
                },
            ),
            **problem_responses(400),
        },
        tags=["legal terms"],
        auth=[{}],
    )
    def get(self, request: Request) -> Response:
        data = _valid(PenaltyQuery, request)
        if "days" in data:
            amount = penalty.penalty_amount(data["days"], timezone.localdate())
            return Response(_amount_body(amount, data["days"]))
        notice = data["noticeOfDefaultReceived"]
        cal = short_term_calendar()
        first = penalty.penalty_first_day(data["termExpired"], notice, cal)
        if first is None:
            return Response(
                {
                    "notice_counts": False,
                    "first_penalty_day": None,
                    "last_penalty_day": None,
                    "fix_amount_by": None,
                    "days": 0,
                    "amount": "0.00",
                    "currency": "EUR",
                    "bands": [],
                    "legal_basis": "Awb 4:17(1): the notice of default came before the term "
                    "expired, so it does not count.",
                }
            )
        until = data.get("decisionSent") or timezone.localdate()
        days = penalty.penalty_days(first, until)
        amount = penalty.penalty_amount(days, notice)
        last = first + datetime.timedelta(days=days - 1) if days else None
        body = _amount_body(amount, days)
        body.update(
            {
                "notice_counts": True,
                "first_penalty_day": first,
                "last_penalty_day": last,
                "fix_amount_by": penalty.fix_amount_deadline(last, cal) if last else None,
            }
        )
        return Response(body)


def _amount_body(amount: penalty.PenaltyAmount, days: int) -> dict[str, Any]:
    return {
        "days": days,
        "amount": f"{amount.total:.2f}",
        "currency": "EUR",
        "bands": [
            {"days": b.days, "per_day": f"{b.per_day:.2f}", "subtotal": f"{b.subtotal:.2f}"}
            for b in amount.bands
        ],
        "legal_basis": amount.legal_basis,
    }
