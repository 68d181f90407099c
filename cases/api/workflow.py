"""Workflow endpoints: take a step by name, log contact moments, rate the handling."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.api.inputs import PlausibleDateField, PlausibleDateTimeField, StrictSerializer
from backend.api.problems import problem_responses
from backend.api.views import ServiceView
from cases import penalties, scopes, services
from cases.api import access
from cases.api.serializers import CaseDetailSerializer, PenaltySerializer
from cases.api.steps import CanTakeSteps, step_input
from cases.api.views import case_detail_response
from cases.models import (
    Case,
    ContactMoment,
    ContactMomentChannel,
    ContactOutcome,
    NoPenaltyGround,
    PenaltyDecision,
)
from cases.workflows import service as workflow


class TransitionInput(StrictSerializer):
    name = serializers.CharField(max_length=60, help_text="A step in availableTransitions.")
    data = serializers.DictField(
        required=False,
        default=dict,
        help_text="The step's input: the request body of the step's own operation.",
    )


class CaseTransitionView(ServiceView):
    """Take a workflow step by name, with its data (``{"name": ..., "data": {...}}``).

    Kept for clients written against API 1.0; new clients use each step's own operation
    (``POST /complaints/{reference}/steps/{step}``, ``/objections/...``), which documents
    the step's input. Errors are the same: 400 for an unknown step or bad data (naming the
    field as ``data.<field>``), 403 when the caller's role may not take it, 409 when the
    case's state or a condition does not allow it now. Callers: as for each step.
    """

    required_scopes = scopes.WRITE_POST
    permission_classes = [IsAuthenticated, CanTakeSteps]

    @extend_schema(
        operation_id="caseTransitionCreate",
        request=TransitionInput,
        responses={
            200: CaseDetailSerializer,
            **problem_responses(400, 401, 403, 404, 409),
        },
        tags=["workflow"],
        deprecated=True,
    )
    def post(self, request: Request, reference: str) -> Response:
        case = access.visible_case_page(request, reference)
        body = TransitionInput(data=request.data)
        body.is_valid(raise_exception=True)
        name = body.validated_data["name"]
        workflow.step_check(case=case, name=name, by=request.user)
        spec = workflow.workflow_of(case.kind).steps[name]
        try:
            data = step_input(spec, body.validated_data["data"])
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"data": error.detail}) from None
        workflow.case_transition(case=case, name=name, data=data, by=request.user)
        return case_detail_response(request, reference)


class ContactMomentInput(StrictSerializer):
    occurred_at = PlausibleDateTimeField(required=False)
    channel = serializers.ChoiceField(choices=ContactMomentChannel.choices, default="phone")
    outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
    callback_at = PlausibleDateTimeField(required=False, allow_null=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ContactMomentSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username")

    class Meta:
        model = ContactMoment
        fields = ["id", "occurred_at", "by", "channel", "outcome", "callback_at", "note"]


class CanLogContact(BasePermission):
    """Handling staff log every call attempt."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.log_contact")


class ContactMomentsView(ServiceView):
    """Log a call attempt or conversation. Callers: handlers, legal staff, team leads."""

    required_scopes = scopes.WRITE_POST
    permission_classes = [IsAuthenticated, CanLogContact]

    @extend_schema(
        operation_id="caseContactMomentCreate",
        request=ContactMomentInput,
        responses={
            201: ContactMomentSerializer,
            **problem_responses(400, 401, 403, 404, 409),
        },
        tags=["workflow"],
    )
    def post(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        body = ContactMomentInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.setdefault("occurred_at", timezone.now())
        moment = services.contact_moment_log(case=case, by=request.user, **data)
        return Response(ContactMomentSerializer(moment).data, status=status.HTTP_201_CREATED)


class SatisfactionInput(StrictSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CanRate(BasePermission):
    """The complainant (who filed it) or staff recording the rating given by phone."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user: User = request.user
        return user.has_perm("cases.file_case")


class SatisfactionView(ServiceView):
    """Rate the handling once, after closing. Callers: the filer; handling staff."""

    required_scopes = scopes.WRITE_POST
    permission_classes = [IsAuthenticated, CanRate]

    @extend_schema(
        operation_id="caseSatisfactionCreate",
        request=SatisfactionInput,
        responses={
            201: SatisfactionInput,
            **problem_responses(400, 401, 403, 404, 409),
        },
        tags=["workflow"],
    )
    def post(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        user = request.user
        body = SatisfactionInput(data=request.data)
        body.is_valid(raise_exception=True)
        rated = services.case_rate(
            case=case,
            rating=body.validated_data["rating"],
            comment=body.validated_data.get("comment", ""),
            by=user,
        )
        return Response(
            {"rating": rated.rating, "comment": rated.comment}, status=status.HTTP_201_CREATED
        )


class WithdrawalInput(StrictSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class WithdrawalView(ServiceView):
    """The filer withdraws their own complaint or objection (the workflow's withdraw step,
    taken as the filer; an objection's withdrawal is confirmed by letter). Callers: the
    resident or integration client that filed the case; staff record a withdrawal with
    the step operation instead."""

    required_scopes = scopes.WRITE_POST
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="caseWithdrawalCreate",
        request=WithdrawalInput,
        responses={200: CaseDetailSerializer, **problem_responses(400, 401, 403, 404, 409)},
        tags=["workflow"],
    )
    def post(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        body = WithdrawalInput(data=request.data)
        body.is_valid(raise_exception=True)
        workflow.case_transition(
            case=case,
            name="withdraw",
            data={"reason": body.validated_data["reason"]},
            by=request.user,
            taken_as=workflow.Taker.FILER,
        )
        return case_detail_response(request, reference)


class NoticeOfDefaultInput(StrictSerializer):
    received_on = PlausibleDateField(help_text="The day the notice of default came in.")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CanRecordDefault(BasePermission):
    """Legal staff record notices of default."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.objection_record_default")


class NoticesOfDefaultView(ServiceView):
    """Record a notice of default about a late objection decision (Awb 4:17 via 7:14).

    Answers with the penalty position: whether the notice counts (received after the term
    expired), the first penalty day, days and amount so far. Callers: legal staff.
    """

    required_scopes = scopes.WRITE_POST
    permission_classes = [IsAuthenticated, CanRecordDefault]

    @extend_schema(
        operation_id="caseNoticeOfDefaultCreate",
        request=NoticeOfDefaultInput,
        responses={
            201: PenaltySerializer,
            **problem_responses(400, 401, 403, 404, 409),
        },
        tags=["workflow"],
    )
    def post(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        body = NoticeOfDefaultInput(data=request.data)
        body.is_valid(raise_exception=True)
        penalties.notice_of_default_record(case=case, by=request.user, **body.validated_data)
        status_ = penalties.penalty_status(Case.objects.get(pk=case.pk))
        return Response(PenaltySerializer(status_).data, status=status.HTTP_201_CREATED)


class PenaltyDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PenaltyDecision
        fields = [
            "first_day",
            "last_day",
            "days",
            "amount",
            "pay_by",
            "no_penalty_ground",
            "decided_at",
        ]


class PenaltyDecisionInput(StrictSerializer):
    no_penalty_ground = serializers.ChoiceField(
        choices=NoPenaltyGround.choices,
        required=False,
        help_text="Only to decide that no penalty is owed (Awb 4:17(6)), and why.",
    )


class CanFixPenalty(BasePermission):
    """Legal staff fix the penalty by decision."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.objection_fix_penalty")


class PenaltyDecisionView(ServiceView):
    """Fix the penalty owed for a late objection decision (Awb 4:18); the letter follows.

    Days and amount are computed from the notice of default and the sending of the
    decision; the body is empty, or names why no penalty is owed (4:17(6)). Answers 409
    while the penalty still runs, when none can be owed, or when already fixed.
    Callers: legal staff.
    """

    required_scopes = scopes.WRITE_POST
    permission_classes = [IsAuthenticated, CanFixPenalty]

    @extend_schema(
        operation_id="casePenaltyDecisionCreate",
        request=PenaltyDecisionInput,
        responses={
            201: PenaltyDecisionSerializer,
            **problem_responses(400, 401, 403, 404, 409),
        },
        tags=["workflow"],
    )
    def post(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference)
        body = PenaltyDecisionInput(data=request.data)
        body.is_valid(raise_exception=True)
        decision = penalties.penalty_decision_take(
            case=case,
            by=request.user,
            no_penalty_ground=body.validated_data.get("no_penalty_ground", ""),
        )
        return Response(PenaltyDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
