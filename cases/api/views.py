"""Case endpoints: thin views that validate, call one service or selector, serialize."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.output import planned_data
from backend.api.pagination import PAGE_QUERY, KeysetPagination, chronological, page_schema
from backend.api.parsing import parse_date, parse_datetime, parse_int
from backend.api.problems import InvalidParams, problem_responses
from backend.api.reads import read_only
from backend.api.views import ServiceView
from backend.security import client_address
from cases import antivirus, scopes, selectors, services
from cases.api import access
from cases.api import serializers as s
from cases.api.permissions import (
    CanAddNote,
    CanAssign,
    CanFile,
    CanIssueTrackingLinks,
    CanViewEvents,
)
from cases.api.queue_params import QueueQuerySerializer
from cases.api.step_links import case_path
from cases.api.throttles import AnonFilingThrottle
from cases.models import CaseKind
from cases.privacy import data_flags
from cases.processing import case_processed, queue_page_processed
from cases.tracking_links import tracking_link_issue, tracking_url


def _caller(request: Request) -> str:
    """Whose idempotency keys these are: the signed-in account, or for an anonymous form
    the client address as the throttle sees it (trusted proxies only), hashed - so one
    caller's key never answers another's filing, and no address is stored."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    address = client_address(request)
    return f"anonymous:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def _fingerprint(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


FILING_RESPONSES = {
    201: OpenApiResponse(
        PolymorphicProxySerializer(
            component_name="FilingResponse",
            serializers=[s.CaseDetailSerializer, s.FilingReceiptSerializer],
            resource_type_field_name=None,
        ),
        description=(
            "Staff who work queues get the whole case (CaseDetail) when they may see it; "
            "anyone else - the "
            "public form, a resident, an integration client - a receipt to refer to it "
            "later (FilingReceipt). The Location header names the case."
        ),
    ),
    **problem_responses(400, 403, 409, 413, 429),
}

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description=(
        "Optional, e.g. a UUID. A retry with the same key and body returns the case the "
        "first request filed (header Idempotent-Replayed: true) instead of a second case."
    ),
)


class _FilingView(ServiceView):
    """Shared by the complaint and objection filing endpoints."""

    kind: CaseKind
    input_serializer: type[s.FilingSerializer]
    permission_classes = [CanFile]

    def get_throttles(self) -> list:
        return [AnonFilingThrottle()] if not self.request.user.is_authenticated else []

    def post(self, request: Request) -> Response:
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user = request.user if request.user.is_authenticated else None
        filing = services.Filing(
            kind=self.kind,
            subject=data["subject"],
            description=data["description"],
            channel=data.get("channel") or services.filing_default_channel(user),
            received_at=data.get("received_at"),
            team=access.filing_team_for(request, self.kind, data.get("team")),
            parties=[dict(p) for p in data["parties"]],
            complaint=dict(data["complaint"]) if data.get("complaint") else None,
            objection=dict(data["objection"]) if data.get("objection") else None,
            attachments=data.get("attachments", []),
        )
        key = request.headers.get("Idempotency-Key", "").strip()
        replayed = False
        if key:
            if len(key) > 255:
                raise InvalidParams(
                    [
                        {
                            "name": "Idempotency-Key",
                            "code": "max_length",
                            "reason": gettext("At most 255 characters."),
                        }
                    ]
                )
            case, replayed = services.case_file_once(
                filing=filing,
                by=user,
                key=key,
                fingerprint=_fingerprint(request.data),
                caller=_caller(request),
            )
        else:
            case = services.case_file(filing=filing, by=user)
        location = case_path("case-detail", case.reference)
        # The case page for staff who may see the case (a handler filing for another
        # team gets the receipt, as anyone else: the page would show what a GET refuses).
        if (
            user is not None
            and user.has_perm("cases.view_queue")
            and selectors.case_is_visible_to(user, case)
        ):
            if replayed:  # the first request's case, as it is now
                case = selectors.case_detail(user=user, reference=case.reference)
            else:  # as the filing wrote it
                selectors.rows_written_cached(case)
            context = access.detail_context(user, case, request.auth)
            body = planned_data(s.CaseDetailSerializer, case, context)
        else:
            if not replayed:  # the terms as the filing wrote them (call and decision dates)
                selectors.rows_written_cached(case)
            body = planned_data(s.FilingReceiptSerializer, case, {})
        if replayed:  # a new filing noted itself, in the round trip that wrote it
            case_processed(case)
        headers = {"Location": location}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


class ComplaintFilingView(_FilingView):
    """File a complaint (Awb 9:1).

    Anyone through the municipality's form (channel ``web``), integration clients
    (``integration``) and staff registering a phone, counter, post or e-mail complaint
    with its actual received date-time. Callers: anonymous, resident, integration client,
    case handler, legal staff, team lead.
    """

    required_scopes = {"POST": scopes.COMPLAINTS_CREATE.name}

    kind = CaseKind.COMPLAINT
    input_serializer = s.ComplaintFilingSerializer

    @extend_schema(
        operation_id="complaintFile",
        request=s.ComplaintFilingSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=FILING_RESPONSES,
        auth=[{"tokenAuth": []}, {"cookieAuth": []}, {}],
        tags=["filing"],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class ObjectionFilingView(_FilingView):
    """File an objection (bezwaarschrift, Awb 6:4-6:5). Callers as for complaints."""

    required_scopes = {"POST": scopes.OBJECTIONS_CREATE.name}

    kind = CaseKind.OBJECTION
    input_serializer = s.ObjectionFilingSerializer

    @extend_schema(
        operation_id="objectionFile",
        request=s.ObjectionFilingSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=FILING_RESPONSES,
        auth=[{"tokenAuth": []}, {"cookieAuth": []}, {}],
        tags=["filing"],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


def queue_paginator() -> KeysetPagination:
    return KeysetPagination(
        fields=list(selectors.QUEUE_ORDER),
        parsers=[parse_date, parse_datetime, parse_int],
        default_size=settings.QUEUE_PAGE_SIZE,
        max_size=settings.QUEUE_MAX_PAGE_SIZE,
    )


@read_only
class CaseQueueView(ServiceView):
    """The work queue across both kinds, soonest due first.

    Callers: every signed-in user; each sees only the cases their role allows (staff:
    their teams and the shared intake; legal staff: all objections; administrators: all;
    residents and integration clients: what they filed).
    """

    required_scopes = scopes.READ
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="caseList",
        parameters=[QueueQuerySerializer],
        responses={
            200: page_schema("CaseQueuePage", s.CaseQueueItemSerializer(many=True)),
            **problem_responses(400, 401),
        },
        tags=["queues"],
    )
    def get(self, request: Request) -> Response:
        params = QueueQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        paginator = queue_paginator()
        window = paginator.window(request)
        filters = params.filters()
        read = selectors.queue_rows(user=request.user, filters=filters, window=window)
        rows, links = paginator.page(read, window, request)
        context = {**data_flags(request.user), "user_pk": request.user.pk}
        if context["personal_data"]:
            queue_page_processed(rows, searched=bool(filters.q))
        context["camel_case"] = True
        results = s.CaseQueueItemSerializer(rows, many=True, context=context)
        return Response({"results": results.data, **links})


@read_only
class CaseDetailView(ServiceView):
    """One case with its parties, details and attachments.

    Callers: anyone who may see the case (see the queue); personal data only for roles
    that need it and for the filer themselves; the extra-care note only for staff.
    """

    required_scopes = scopes.READ
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="caseRetrieve",
        responses={200: s.CaseDetailSerializer, **problem_responses(400, 401, 404)},
        tags=["cases"],
    )
    def get(self, request: Request, reference: str) -> Response:
        return case_detail_response(request, reference)


def case_detail_response(request: Request, reference: str) -> Response:
    """The case as its page shows it, for this caller."""
    case = access.visible_case_page(request, reference)
    context = access.detail_context(request.user, case, request.auth)
    return Response(planned_data(s.CaseDetailSerializer, case, context))


class CaseAssignmentView(ServiceView):
    """Claim, assign, reassign or release a case.

    ``{"assignee": "<own username>"}`` claims an unassigned case (handlers, legal staff,
    team leads); another username assigns it (team leads, administrators); ``null``
    releases it (the handler or a team lead). A case someone else holds answers 409.
    """

    required_scopes = {"PUT": scopes.CASES_WRITE.name}
    permission_classes = [IsAuthenticated, CanAssign]

    @extend_schema(
        operation_id="caseAssignmentUpdate",
        request=s.AssignmentInputSerializer,
        responses={
            200: s.AssignmentSerializer,
            **problem_responses(400, 401, 403, 404, 409),
        },
        tags=["queues"],
    )
    def put(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        serializer = s.AssignmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_assign(
            case=case, assignee=serializer.validated_data["assignee"], by=request.user
        )
        return Response(s.AssignmentSerializer(case).data)


class CaseEventsView(ServiceView):
    """The case's timeline, oldest first. Callers: staff who may see the case."""

    required_scopes = scopes.READ
    permission_classes = [IsAuthenticated, CanViewEvents]

    @extend_schema(
        operation_id="caseEventList",
        parameters=[PAGE_QUERY],
        responses={
            200: page_schema("CaseEventPage", s.CaseEventSerializer(many=True)),
            **problem_responses(400, 401, 403, 404),
        },
        tags=["cases"],
    )
    def get(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        rows, links = chronological("occurred_at").paginate(
            selectors.case_events(case=case), request
        )
        return Response({"results": s.CaseEventSerializer(rows, many=True).data, **links})


class AttachmentDownloadView(ServiceView):
    """Download an attachment. Callers: roles that see personal data, and the filer.

    Only once the virus scanner found it clean: 409 while it waits in quarantine (the
    scanner was unavailable when it came in), 410 once found infected (blocked for good).
    """

    required_scopes = scopes.READ
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="caseAttachmentDownload",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file."
            ),
            # 409: waiting for the virus scan (quarantine); 410: found infected, blocked.
            **problem_responses(400, 401, 403, 404, 409, 410),
        },
        tags=["cases"],
    )
    def get(self, request: Request, reference: str, attachment_id: int) -> FileResponse:
        case = access.visible_case(request, reference)
        if not data_flags(request.user, case)["personal_data"]:
            raise PermissionDenied(gettext("Your role cannot open attachments."))
        try:
            attachment = case.attachments.get(pk=attachment_id)
        except ObjectDoesNotExist:
            raise NotFound(gettext("This case has no such attachment.")) from None
        if not antivirus.servable(attachment):
            raise antivirus.refusal_problem(attachment)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class CaseNotesView(ServiceView):
    """Add an internal note to the timeline. Callers: handling staff who may see the case."""

    required_scopes = scopes.WRITE_POST
    permission_classes = [IsAuthenticated, CanAddNote]

    @extend_schema(
        operation_id="caseNoteCreate",
        request=s.NoteInputSerializer,
        responses={201: s.CaseEventSerializer, **problem_responses(400, 403, 404)},
        tags=["cases"],
    )
    def post(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        serializer = s.NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.case_add_note(
            case=case, text=serializer.validated_data["text"], by=request.user
        )
        return Response(s.CaseEventSerializer(event).data, status=status.HTTP_201_CREATED)


class LegalHoldSerializer(serializers.Serializer):
    hold = serializers.BooleanField(help_text="true: keep past the retention period.")
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="Why (required for a hold)."
    )


class LegalHoldView(ServiceView):
    """Put a case on legal hold, or lift it: retention does not erase a case on hold.
    Callers: legal staff and team leads who see the case."""

    required_scopes = {"PUT": scopes.CASES_WRITE.name}
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="caseLegalHoldUpdate",
        request=LegalHoldSerializer,
        responses={200: LegalHoldSerializer, **problem_responses(400, 401, 403, 404)},
        tags=["privacy"],
    )
    def put(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        given = LegalHoldSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = services.case_legal_hold_set(
            case=case,
            hold=given.validated_data["hold"],
            reason=given.validated_data.get("reason", ""),
            by=request.user,
        )
        return Response({"hold": case.legal_hold, "reason": case.legal_hold_reason})


class TrackingLinkSerializer(serializers.Serializer):
    tracking_url = serializers.CharField(help_text="The new link; shown only in this answer.")


class TrackingLinkView(ServiceView):
    """A new tracking link for the case's resident; every earlier one stops working.
    Callers: handling staff (handlers, legal staff, team leads) who see the case."""

    required_scopes = {"POST": scopes.CASES_WRITE.name}
    permission_classes = [IsAuthenticated, CanIssueTrackingLinks]

    @extend_schema(
        operation_id="caseTrackingLinkCreate",
        request=None,
        responses={201: TrackingLinkSerializer, **problem_responses(400, 401, 403, 404)},
        tags=["cases"],
    )
    def post(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        url = tracking_url(tracking_link_issue(case))
        return Response({"trackingUrl": url}, status=status.HTTP_201_CREATED)
