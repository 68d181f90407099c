"""Workflow endpoints: take a step by name, log contact moments, rate the handling."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.api.problems import problem_responses
from cases import penalties, services
from cases.api.serializers import CaseDetailSerializer, PenaltySerializer, StrictMixin
from cases.api.views import _visible_case, case_detail_response
from cases.models import (
    Case,
    ContactMoment,
    ContactMomentChannel,
    ContactOutcome,
    NoPenaltyGround,
    PenaltyDecision,
)
from cases.workflows import service as workflow
from cases.workflows.complaint import HearingWaivedGround, Judgement, NotHandledGround
from cases.workflows.objection import Costs, Outcome
from cases.workflows.objection import HearingWaivedGround as ObjectionWaivedGround


class _Input(StrictMixin, serializers.Serializer):
    pass


class NoData(_Input):
    pass


class ResolveInformallyInput(_Input):
    solution = serializers.CharField(max_length=5000, help_text="What was agreed.")
    confirmed_via = serializers.ChoiceField(
        choices=ContactMomentChannel.choices,
        help_text="How the complainant said they are satisfied (Awb 9:5).",
    )
    confirmed_at = serializers.DateTimeField()

    def validate_confirmed_at(self, value: Any) -> Any:
        if value > timezone.now():
            raise serializers.ValidationError("This moment is in the future.")
        return value


class PlanHearingInput(_Input):
    at = serializers.DateTimeField()
    location = serializers.CharField(max_length=300, help_text="Place or video link.")

    def validate_at(self, value: Any) -> Any:
        if value <= timezone.now():
            raise serializers.ValidationError("A hearing is planned in the future.")
        return value


class HoldHearingInput(_Input):
    report = serializers.CharField(max_length=20000)


class WaiveHearingInput(_Input):
    ground = serializers.ChoiceField(choices=HearingWaivedGround.choices)


class InvolveCommitteeInput(_Input):
    name = serializers.CharField(max_length=200)


class ExtendTermInput(_Input):
    weeks = serializers.IntegerField(min_value=1, max_value=52)
    reason = serializers.CharField(max_length=2000)
    consent = serializers.BooleanField(
        default=False, help_text="The complainant consented in writing (needed after one)."
    )


class RecordOutcomeInput(_Input):
    findings = serializers.CharField(max_length=20000)
    judgement = serializers.ChoiceField(choices=Judgement.choices)
    conclusions = serializers.CharField(max_length=20000)
    measures = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class NotHandleInput(_Input):
    ground = serializers.ChoiceField(choices=NotHandledGround.choices)
    explanation = serializers.CharField(max_length=5000)


class ForwardInput(_Input):
    to = serializers.CharField(max_length=200, help_text="The competent body.")
    reason = serializers.CharField(max_length=2000)


class WithdrawInput(_Input):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


COMPLAINT_INPUTS: dict[str, type[serializers.Serializer]] = {
    "confirm_receipt": NoData,
    "offer_written_contact": NoData,
    "resolve_informally": ResolveInformallyInput,
    "start_formal_handling": NoData,
    "plan_hearing": PlanHearingInput,
    "hold_hearing": HoldHearingInput,
    "waive_hearing": WaiveHearingInput,
    "involve_committee": InvolveCommitteeInput,
    "extend_term": ExtendTermInput,
    "record_outcome": RecordOutcomeInput,
    "not_handle": NotHandleInput,
    "forward": ForwardInput,
    "withdraw": WithdrawInput,
}


class RequestRepairInput(_Input):
    missing = serializers.ListField(
        child=serializers.CharField(max_length=200),
        allow_empty=False,
        help_text="What is missing (Awb 6:5), e.g. grounds, signature.",
    )
    term_weeks = serializers.IntegerField(min_value=1, max_value=4, default=2)


class RecordRepairInput(_Input):
    grounds = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    signed = serializers.BooleanField(required=False, allow_null=True, default=None)


class AcceptInput(_Input):
    posted_on = serializers.DateField(
        required=False, allow_null=True, help_text="Postmark date, for the postal rule (6:9(2))."
    )
    excusable_reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, help_text="Late but excusable (6:11)."
    )


class ChangedDecisionInput(_Input):
    new_decision_reference = serializers.CharField(max_length=80)


class ObjectionHearingInput(_Input):
    at = serializers.DateTimeField()
    location = serializers.CharField(max_length=300, help_text="Place or video link.")
    inspection_from = serializers.DateField(help_text="Documents open for inspection from.")
    inspection_place = serializers.CharField(max_length=300)
    invited_on = serializers.DateField(required=False, help_text="Default: today.")


class ObjectionWaiveInput(_Input):
    ground = serializers.ChoiceField(choices=ObjectionWaivedGround.choices)


class AdviceInput(_Input):
    advice = serializers.CharField(max_length=50000)
    recommendation = serializers.ChoiceField(
        choices=Outcome.choices, help_text="The outcome the committee recommends."
    )


class PostponeInput(_Input):
    weeks = serializers.IntegerField(min_value=1, max_value=52)
    reason = serializers.CharField(max_length=2000)
    consent = serializers.BooleanField(default=False, help_text="Needed after one (7:10(4)).")


class DraftDecisionInput(_Input):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reasons = serializers.CharField(max_length=50000)
    costs = serializers.ChoiceField(choices=Costs.choices)
    new_decision_reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
    departs_from_advice_reasons = serializers.CharField(
        max_length=20000, required=False, allow_blank=True
    )


class RejectDecisionInput(_Input):
    comments = serializers.CharField(max_length=20000)


OBJECTION_INPUTS: dict[str, type[serializers.Serializer]] = {
    "confirm_receipt": NoData,
    "request_repair": RequestRepairInput,
    "record_repair": RecordRepairInput,
    "repair_lapsed": NoData,
    "hold_premature": NoData,
    "release_premature": NoData,
    "accept": AcceptInput,
    "record_changed_decision": ChangedDecisionInput,
    "continue_formally": NoData,
    "plan_hearing": ObjectionHearingInput,
    "hold_hearing": HoldHearingInput,
    "waive_hearing": ObjectionWaiveInput,
    "refer_committee": InvolveCommitteeInput,
    "receive_advice": AdviceInput,
    "postpone": PostponeInput,
    "draft_decision": DraftDecisionInput,
    "approve_decision": NoData,
    "reject_decision": RejectDecisionInput,
    "close": NoData,
    "withdraw": WithdrawInput,
}

STEP_INPUTS = {"complaint": COMPLAINT_INPUTS, "objection": OBJECTION_INPUTS}


class TransitionInput(StrictMixin, serializers.Serializer):
    name = serializers.CharField(max_length=60, help_text="A step in availableTransitions.")
    data = serializers.DictField(required=False, default=dict, help_text="The step's data.")


class CanTakeSteps(BasePermission):
    """Handling staff; which steps each role may take is checked per step."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.view_queue")


class CaseTransitionView(APIView):
    """Take a workflow step by name, with its data.

    400 for an unknown step or missing data (naming the field), 403 when the caller's role
    may not take it, 409 when the case's state does not allow it now (the response lists
    ``availableTransitions``). Callers: case handlers and team leads (complaints); legal
    staff, handlers and team leads (objections: admissibility and review are legal staff's,
    and the reviewer is never the drafter).
    """

    permission_classes = [IsAuthenticated, CanTakeSteps]

    @extend_schema(
        operation_id="caseTransitionCreate",
        request=TransitionInput,
        responses={
            200: CaseDetailSerializer,
            **problem_responses(400, 401, 403, 404, 409),
        },
        tags=["workflow"],
    )
    def post(self, request: Request, reference: str) -> Response:
        case = _visible_case(request, reference)
        body = TransitionInput(data=request.data)
        body.is_valid(raise_exception=True)
        name = body.validated_data["name"]
        workflow.step_check(case=case, name=name, by=request.user)
        step = STEP_INPUTS[case.kind][name](data=body.validated_data["data"])
        if not step.is_valid():
            raise serializers.ValidationError({"data": step.errors})
        workflow.case_transition(
            case=case, name=name, data=dict(step.validated_data), by=request.user
        )
        return case_detail_response(request, reference)


class ContactMomentInput(StrictMixin, serializers.Serializer):
    occurred_at = serializers.DateTimeField(required=False)
    channel = serializers.ChoiceField(choices=ContactMomentChannel.choices, default="phone")
    outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
    callback_at = serializers.DateTimeField(required=False, allow_null=True)
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


class ContactMomentsView(APIView):
    """Log a call attempt or conversation. Callers: handlers, legal staff, team leads."""

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
        case = _visible_case(request, reference)
        body = ContactMomentInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.setdefault("occurred_at", timezone.now())
        moment = services.contact_moment_log(case=case, by=request.user, **data)
        return Response(ContactMomentSerializer(moment).data, status=status.HTTP_201_CREATED)


class SatisfactionInput(StrictMixin, serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CanRate(BasePermission):
    """The complainant (who filed it) or staff recording the rating given by phone."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user: User = request.user
        return user.has_perm("cases.file_case")


class SatisfactionView(APIView):
    """Rate the handling once, after closing. Callers: the filer; handling staff."""

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
        case = _visible_case(request, reference)
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


class NoticeOfDefaultInput(StrictMixin, serializers.Serializer):
    received_on = serializers.DateField(help_text="The day the notice of default came in.")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CanRecordDefault(BasePermission):
    """Legal staff record notices of default."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.objection_record_default")


class NoticesOfDefaultView(APIView):
    """Record a notice of default about a late objection decision (Awb 4:17 via 7:14).

    Answers with the penalty position: whether the notice counts (received after the term
    expired), the first penalty day, days and amount so far. Callers: legal staff.
    """

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
        case = _visible_case(request, reference)
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


class PenaltyDecisionInput(StrictMixin, serializers.Serializer):
    no_penalty_ground = serializers.ChoiceField(
        choices=NoPenaltyGround.choices,
        required=False,
        help_text="Only to decide that no penalty is owed (Awb 4:17(6)), and why.",
    )


class CanFixPenalty(BasePermission):
    """Legal staff fix the penalty by decision."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.objection_fix_penalty")


class PenaltyDecisionView(APIView):
    """Fix the penalty owed for a late objection decision (Awb 4:18); the letter follows.

    Days and amount are computed from the notice of default and the sending of the
    decision; the body is empty, or names why no penalty is owed (4:17(6)). Answers 409
    while the penalty still runs, when none can be owed, or when already fixed.
    Callers: legal staff.
    """

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
        case = _visible_case(request, reference)
        body = PenaltyDecisionInput(data=request.data)
        body.is_valid(raise_exception=True)
        decision = penalties.penalty_decision_take(
            case=case,
            by=request.user,
            no_penalty_ground=body.validated_data.get("no_penalty_ground", ""),
        )
        return Response(PenaltyDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
