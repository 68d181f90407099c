"""``/api/v1/tracking/{key}``: a resident follows their case with the link from filing.

Callers: anyone holding the key - no account, no token (credentials are ignored here).
Every answer is about the link's one case; an unknown, revoked or expired key is 404,
the same answer after the same one lookup (no telling which). Throttled per address.
"""

from typing import Any

from django.db import transaction
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from backend.api.problems import problem_responses
from backend.api.views import ServiceView
from cases import tracking
from cases.api.serializers import AttachmentInputSerializer
from cases.dispatch import ADDRESSEE
from cases.models import Case
from cases.processing import case_processed
from cases.tracking_links import tracked_case
from letters.context import TITLES
from letters.downloads import letter_download
from letters.models import Letter


class TrackingThrottle(AnonRateThrottle):
    """Per client address, whatever the key: guessing keys is as slow as reading."""

    scope = "tracking"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _TrackingView(ServiceView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TrackingThrottle]

    def case(self, key: str, *, lock: bool = False) -> Case:
        found = tracked_case(key, lock=lock)
        if found is None:
            raise NotFound(gettext("There is no case at this link (or the link has expired)."))
        # The resident, through their link: in the processing log as everyone else.
        case_processed(found, attributes={"casehandling.via": "tracking-link"})
        return found


class TrackingNextStepSerializer(serializers.Serializer):
    what = serializers.CharField()
    by = serializers.DateField()


class TrackingLetterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    dated_on = serializers.DateField(allow_null=True)
    url = serializers.CharField(help_text="The PDF, with this same link.")


class TrackingSerializer(serializers.Serializer):
    reference = serializers.CharField()
    kind = serializers.CharField()
    phase = serializers.CharField(help_text="Where the case is, as a code for the form.")
    status_text = serializers.CharField(help_text="The same in plain language (nl or en).")
    next_step = TrackingNextStepSerializer(allow_null=True)
    handler = serializers.CharField(help_text="The handler's first name, or empty.")
    closed = serializers.BooleanField()
    may_withdraw = serializers.BooleanField()
    may_rate = serializers.BooleanField()
    letters = TrackingLetterSerializer(many=True)


def _letters(case: Case, request: Request, key: str) -> list[dict[str, Any]]:
    language = getattr(request, "LANGUAGE_CODE", "nl")
    mine = Letter.objects.filter(case=case, recipient_key=ADDRESSEE).order_by("created_at", "id")
    return [
        {
            "id": letter.pk,
            "title": TITLES.get(letter.kind, {}).get(language, letter.kind),
            "dated_on": letter.dated_on,
            "url": request.build_absolute_uri(
                reverse("tracking-letter", kwargs={"key": key, "letter_id": letter.pk})
            ),
        }
        for letter in mine
    ]


def _answer(case: Case, request: Request, key: str) -> Response:
    view = tracking.tracking_view(case)
    body = {**view.__dict__, "letters": _letters(case, request, key)}
    if view.next_step is not None:
        body["next_step"] = view.next_step.__dict__
    return Response(TrackingSerializer(body).data)


class TrackingReadView(_TrackingView):
    """The case as the resident follows it: status in plain language, the next step and
    its date, the letters addressed to them."""

    @extend_schema(
        operation_id="trackingRetrieve",
        auth=[{}],
        responses={200: TrackingSerializer, **problem_responses(400, 404, 429)},
        tags=["tracking"],
    )
    def get(self, request: Request, key: str) -> Response:
        return _answer(self.case(key), request, key)


class TrackingLetterView(_TrackingView):
    """One letter addressed to the resident, as PDF."""

    @extend_schema(
        operation_id="trackingLetterDownload",
        auth=[{}],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **problem_responses(400, 404, 429),
        },
        tags=["tracking"],
    )
    def get(self, request: Request, key: str, letter_id: int) -> FileResponse:
        mine = Letter.objects.filter(case=self.case(key), recipient_key=ADDRESSEE)
        return letter_download(mine, letter_id)


class TrackingInformationInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000, allow_blank=True, default="")
    attachments = AttachmentInputSerializer(many=True, required=False, max_length=5)


class TrackingInformationView(_TrackingView):
    """The resident adds information or files for the handler."""

    @extend_schema(
        operation_id="trackingInformationCreate",
        auth=[{}],
        request=TrackingInformationInput,
        responses={201: TrackingSerializer, **problem_responses(400, 404, 413, 429)},
        tags=["tracking"],
    )
    def post(self, request: Request, key: str) -> Response:
        data = TrackingInformationInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            case = self.case(key, lock=True)
            tracking.tracking_add_information(
                case=case,
                text=data.validated_data["text"],
                attachments=data.validated_data.get("attachments", []),
            )
        response = _answer(case, request, key)
        response.status_code = status.HTTP_201_CREATED
        return response


class TrackingWithdrawalInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, default="")


class TrackingWithdrawalView(_TrackingView):
    """The resident withdraws the complaint or objection (the workflow's withdraw step;
    an objection's withdrawal is confirmed by letter)."""

    @extend_schema(
        operation_id="trackingWithdrawalCreate",
        auth=[{}],
        request=TrackingWithdrawalInput,
        responses={200: TrackingSerializer, **problem_responses(400, 404, 409, 429)},
        tags=["tracking"],
    )
    def post(self, request: Request, key: str) -> Response:
        data = TrackingWithdrawalInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            case = self.case(key)
            withdrawn = tracking.tracking_withdraw(case=case, reason=data.validated_data["reason"])
        return _answer(Case.objects.select_related("assignee").get(pk=withdrawn.pk), request, key)


class TrackingRatingInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, allow_blank=True, default="")


class TrackingRatingView(_TrackingView):
    """After closing, the complainant rates the handling, once."""

    @extend_schema(
        operation_id="trackingRatingCreate",
        auth=[{}],
        request=TrackingRatingInput,
        responses={201: TrackingSerializer, **problem_responses(400, 404, 409, 429)},
        tags=["tracking"],
    )
    def post(self, request: Request, key: str) -> Response:
        data = TrackingRatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = self.case(key)
        tracking.tracking_rate(case=case, **data.validated_data)
        response = _answer(case, request, key)
        response.status_code = status.HTTP_201_CREATED
        return response
