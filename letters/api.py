"""Letter endpoints: a case's letters and their PDFs.

Callers: as for the case's personal data - handling staff, and the filer for their own
case (the letters are addressed to them).
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.pagination import PAGE_QUERY, chronological, page_schema
from backend.api.problems import Conflict, problem_responses
from backend.api.views import ServiceView
from backend.tasks import enqueue_after_commit
from cases import scopes
from cases.api.access import visible_case
from cases.models import Case
from cases.privacy import data_flags
from letters import delivery, services
from letters.context import language_for, letter_context
from letters.downloads import letter_download
from letters.models import DeliveryChannel, Letter, LetterDelivery, PrintBatch
from letters.recipients import ADDRESSEE, RECIPIENT_KEYS, NoSuchRecipient, recipient_for
from letters.rendering import TEMPLATES, render
from letters.tasks import letters_send_email


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = LetterDelivery
        fields = ["id", "channel", "state", "created_at", "sent_at", "attempts", "reason"]

    def to_representation(self, instance: LetterDelivery) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("staff", True):
            data.pop("reason")  # staff's own words about a resend
        return data


class LetterSerializer(serializers.ModelSerializer):
    recipient = serializers.ChoiceField(
        source="recipient_key",
        choices=RECIPIENT_KEYS,
        help_text="Who it is for: addressee (the filer or their representative) or "
        "person_complained_about.",
    )
    recipient_label = serializers.CharField(
        source="recipient", help_text="Role and name, as the letter record says it (display)."
    )
    url = serializers.SerializerMethodField(help_text="The PDF of this letter.")
    replaced_by = serializers.SerializerMethodField(help_text="The correction, if any.")
    delivery_state = serializers.SerializerMethodField(
        help_text="The state of the newest delivery: queued, sent, failed, batched, posted."
    )
    deliveries = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id",
            "kind",
            "recipient",
            "recipient_label",
            "url",
            "language",
            "template_version",
            "created_at",
            "dated_on",
            "sha256",
            "size",
            "pages",
            "replaces",
            "replaced_by",
            "delivery_state",
            "deliveries",
        ]

    @extend_schema_field(DeliverySerializer(many=True))
    def get_deliveries(self, letter: Letter) -> list[dict[str, Any]]:
        return DeliverySerializer(letter.deliveries.all(), many=True, context=self.context).data

    def get_url(self, letter: Letter) -> str:
        return reverse(
            "case-letter", kwargs={"reference": letter.case.reference, "letter_id": letter.pk}
        )

    def get_replaced_by(self, letter: Letter) -> int | None:
        corrections = list(letter.replaced_by.all())
        return corrections[0].pk if corrections else None

    def get_delivery_state(self, letter: Letter) -> str | None:
        deliveries = list(letter.deliveries.all())
        return deliveries[-1].state if deliveries else None


def _letter_case(request: Request, reference: str) -> Case:
    case = visible_case(request, reference)
    if not data_flags(request.user, case)["personal_data"]:
        raise PermissionDenied(gettext("Your role cannot read letters (they hold personal data)."))
    return case


def _is_staff(request: Request) -> bool:
    return request.user.has_perm("cases.view_personal_data")


def _visible_letters(request: Request, case: Case) -> QuerySet[Letter]:
    """Staff see every letter of the case; the filer only the letters addressed to them
    (not the copy to a colleague complained about, which names that colleague)."""
    letters = case.letters.all()
    return letters if _is_staff(request) else letters.filter(recipient_key=ADDRESSEE)


class CaseLettersView(ServiceView):
    """The letters of a case, oldest first, a page at a time; each with its own PDF URL.

    Callers: roles that see personal data, and the filer (only the letters addressed to
    them).
    """

    required_scopes = scopes.READ
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="caseLetterList",
        parameters=[PAGE_QUERY],
        responses={
            200: page_schema("CaseLetterPage", LetterSerializer(many=True)),
            **problem_responses(400, 401, 403, 404),
        },
        tags=["letters"],
    )
    def get(self, request: Request, reference: str) -> Response:
        case = _letter_case(request, reference)
        letters = (
            _visible_letters(request, case)
            .select_related("case")
            .prefetch_related("deliveries", "replaced_by")
            .order_by("created_at", "id")
        )
        rows, links = chronological("created_at").paginate(letters, request)
        context = {"staff": _is_staff(request)}
        return Response(
            {"results": LetterSerializer(rows, many=True, context=context).data, **links}
        )


# Letters whose figures come from the decision that requests them, not from the case.
_NOT_PREVIEWABLE = {"objection_penalty_decision"}


class PreviewQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(TEMPLATES), help_text="The letter kind.")
    recipient = serializers.ChoiceField(
        choices=RECIPIENT_KEYS,
        default=ADDRESSEE,
        help_text="addressee (the filer or their representative) or person_complained_about.",
    )


class CanPreview(BasePermission):
    """Handling staff check a letter before it goes out."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.view_personal_data") and request.user.has_perm(
            "cases.view_queue"
        )


class LetterPreviewView(ServiceView):
    """Render a letter from the case as it is now, without storing or sending it.

    Callers: handling staff (handlers, legal staff, team leads).
    """

    permission_classes = [IsAuthenticated, CanPreview]

    @extend_schema(
        operation_id="caseLetterPreview",
        parameters=[PreviewQuery],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The letter, not stored."
            ),
            **problem_responses(400, 401, 403, 404, 409),
        },
        tags=["letters"],
    )
    def get(self, request: Request, reference: str) -> HttpResponse:
        case = _letter_case(request, reference)
        query = PreviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind, key = query.validated_data["kind"], query.validated_data["recipient"]
        if kind in _NOT_PREVIEWABLE:
            raise Conflict(
                gettext("This letter is made from the penalty decision; it has no preview.")
            )
        try:
            recipient_for(case, key)
        except NoSuchRecipient:
            raise Conflict(gettext("The case does not name this recipient.")) from None
        language = language_for(case, key)
        rendered = render(kind, language, letter_context(case, kind, language, None, key))
        response = HttpResponse(rendered.pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{case.reference}-{kind}-preview.pdf"'
        return response


class LetterDownloadView(ServiceView):
    """One letter as PDF/A."""

    required_scopes = scopes.READ
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="caseLetterDownload",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The letter (PDF/A-3a)."
            ),
            **problem_responses(400, 401, 403, 404),
        },
        tags=["letters"],
    )
    def get(self, request: Request, reference: str, letter_id: int) -> FileResponse:
        case = _letter_case(request, reference)
        return letter_download(_visible_letters(request, case), letter_id)


def _case_letter(request: Request, reference: str, letter_id: int) -> Letter:
    case = _letter_case(request, reference)
    try:
        return case.letters.select_related("case").get(pk=letter_id)
    except ObjectDoesNotExist:
        raise NotFound(gettext("This case has no such letter.")) from None


class CanSendLetters(BasePermission):
    """Handling staff send a letter again or ask for a correction."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("letters.send_letter")


class ResendInput(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=DeliveryChannel.choices,
        required=False,
        help_text="email or post; by default the recipient's choice (e-mail needs consent).",
    )
    reason = serializers.CharField(max_length=300, help_text="Why it is sent again.")


class LetterDeliveriesView(ServiceView):
    """Send a letter again (the same PDF): by e-mail or in the next print batch.

    Callers: handling staff (handlers, legal staff, team leads).
    """

    permission_classes = [IsAuthenticated, CanSendLetters]

    @extend_schema(
        operation_id="caseLetterDeliveryCreate",
        request=ResendInput,
        responses={201: DeliverySerializer, **problem_responses(400, 401, 403, 404, 409)},
        tags=["letters"],
    )
    def post(self, request: Request, reference: str, letter_id: int) -> Response:
        letter = _case_letter(request, reference, letter_id)
        body = ResendInput(data=request.data)
        body.is_valid(raise_exception=True)
        queued = delivery.delivery_resend(
            letter=letter,
            by=request.user,
            reason=body.validated_data["reason"],
            channel=body.validated_data.get("channel"),
        )
        if queued.channel == DeliveryChannel.EMAIL:
            enqueue_after_commit(letters_send_email)
        return Response(DeliverySerializer(queued).data, status=status.HTTP_201_CREATED)


class CorrectionInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="What was wrong.")


class LetterCorrectionsView(ServiceView):
    """Ask for a corrected letter, made from the case as it is now; it names the letter it
    replaces and is delivered like any letter. The original stays as it was.

    Answers 202: the worker renders it (see the case's letters). Callers: handling staff.
    """

    permission_classes = [IsAuthenticated, CanSendLetters]

    @extend_schema(
        operation_id="caseLetterCorrectionCreate",
        request=CorrectionInput,
        responses={202: None, **problem_responses(400, 401, 403, 404, 409)},
        tags=["letters"],
    )
    def post(self, request: Request, reference: str, letter_id: int) -> Response:
        letter = _case_letter(request, reference, letter_id)
        body = CorrectionInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.letter_correction_request(
            letter=letter, by=request.user, reason=body.validated_data["reason"]
        )
        return Response(status=status.HTTP_202_ACCEPTED)


class PrintBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrintBatch
        fields = ["id", "created_at", "letters", "pages", "sha256", "posted_at"]


class CanPrint(BasePermission):
    """Staff who print and post letters (handlers, team leads)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("letters.print_letters")


def _batch(batch_id: int) -> PrintBatch:
    try:
        return PrintBatch.objects.get(pk=batch_id)
    except ObjectDoesNotExist:
        raise NotFound(gettext("There is no such print batch.")) from None


class PrintBatchListView(ServiceView):
    """The print batches, newest first (the last 100). Callers: handlers, team leads."""

    permission_classes = [IsAuthenticated, CanPrint]

    @extend_schema(
        operation_id="printBatchList",
        responses={200: PrintBatchSerializer(many=True), **problem_responses(401, 403)},
        tags=["letters"],
    )
    def get(self, request: Request) -> Response:
        return Response(PrintBatchSerializer(PrintBatch.objects.all()[:100], many=True).data)


class PrintBatchPdfView(ServiceView):
    """The batch's letters as one PDF, in list order. Callers: handlers, team leads."""

    permission_classes = [IsAuthenticated, CanPrint]

    @extend_schema(
        operation_id="printBatchPdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="All letters, to print."
            ),
            **problem_responses(400, 401, 403, 404),
        },
        tags=["letters"],
    )
    def get(self, request: Request, batch_id: int) -> FileResponse:
        batch = _batch(batch_id)
        return FileResponse(
            batch.file.open("rb"),
            as_attachment=True,
            filename=f"print-batch-{batch.pk}.pdf",
            content_type="application/pdf",
        )


class PrintBatchListingView(ServiceView):
    """The batch's list (CSV): sequence, first page, reference, recipient, address.

    Callers: handlers, team leads.
    """

    permission_classes = [IsAuthenticated, CanPrint]

    @extend_schema(
        operation_id="printBatchListing",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per letter."),
            **problem_responses(400, 401, 403, 404),
        },
        tags=["letters"],
    )
    def get(self, request: Request, batch_id: int) -> FileResponse:
        batch = _batch(batch_id)
        return FileResponse(
            batch.listing.open("rb"),
            as_attachment=True,
            filename=f"print-batch-{batch.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )


class PrintBatchPostedView(ServiceView):
    """Confirm the batch was posted: its letters count as sent. Callers: handlers, team leads."""

    permission_classes = [IsAuthenticated, CanPrint]

    @extend_schema(
        operation_id="printBatchPostedCreate",
        request=None,
        responses={200: PrintBatchSerializer, **problem_responses(400, 401, 403, 404, 409)},
        tags=["letters"],
    )
    def post(self, request: Request, batch_id: int) -> Response:
        batch = delivery.print_batch_confirm_posted(batch=_batch(batch_id), by=request.user)
        return Response(PrintBatchSerializer(batch).data)
