"""Subscriptions to events (webhooks), managed by integration clients over the API.

Callers: an integration client's token with the scope ``events:subscribe`` (a session or
a staff token is refused: subscriptions belong to a client). A client sees and ends only
its own subscriptions; another's id is 404.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import IntegrationClient
from backend.api.problems import problem_responses
from backend.api.views import ServiceView
from backend.webhooks.catalogue import event_types
from backend.webhooks.delivery import subscription_end
from backend.webhooks.models import Subscription
from backend.webhooks.scopes import EVENTS_SUBSCRIBE
from backend.webhooks.services import subscription_create

SUBSCRIBE = {"GET": EVENTS_SUBSCRIBE.name, "POST": EVENTS_SUBSCRIBE.name}


def _client(request: Request) -> IntegrationClient:
    client = IntegrationClient.objects.filter(account=request.user, is_active=True).first()
    if client is None:
        raise PermissionDenied(gettext("Only integration clients subscribe to events."))
    return client


class IsIntegrationClient(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        _client(request)
        return True


class SubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subscription
        fields = ["id", "url", "topics", "kinds", "is_active", "created_at", "ended_reason"]
        read_only_fields = fields


class SubscriptionListSerializer(serializers.Serializer):
    results = SubscriptionSerializer(many=True)


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Signs every delivery (HMAC-SHA256); shown only in this answer.",
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text="https:// address of the receiver.")
    topics = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        default=list,
        max_length=50,
        help_text="Event types by topic (e.g. case.filed); none: all public ones.",
    )
    kinds = serializers.ListField(
        child=serializers.RegexField(r"^[a-z_]{1,40}$"),
        required=False,
        default=list,
        max_length=10,
        help_text="Case kinds (complaint, objection); none: all.",
    )

    def validate_topics(self, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(event_types()))
        if unknown:
            raise serializers.ValidationError(
                gettext("Unknown event types: %s.") % ", ".join(unknown)
            )
        return value


class SubscriptionListView(ServiceView):
    """A client's subscriptions; a new one is saved once its receiver accepted a signed
    test event (2xx) and its secret is shown in the answer, once."""

    required_scopes = SUBSCRIBE
    permission_classes = [IsAuthenticated, IsIntegrationClient]

    @extend_schema(
        operation_id="subscriptionList",
        responses={200: SubscriptionListSerializer, **problem_responses(401, 403)},
        tags=["events"],
    )
    def get(self, request: Request) -> Response:
        mine = Subscription.objects.filter(client=_client(request)).order_by("id")
        return Response({"results": SubscriptionSerializer(mine, many=True).data})

    @extend_schema(
        operation_id="subscriptionCreate",
        request=SubscriptionInputSerializer,
        responses={201: SubscriptionCreatedSerializer, **problem_responses(400, 401, 403)},
        tags=["events"],
    )
    def post(self, request: Request) -> Response:
        data = SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = subscription_create(client=_client(request), **data.validated_data)
        body: Any = SubscriptionCreatedSerializer(made).data
        headers = {"Location": f"{request.path}/{made.pk}"}
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


class SubscriptionDetailView(ServiceView):
    """One of the client's subscriptions; DELETE ends it (no more deliveries)."""

    required_scopes = {"GET": EVENTS_SUBSCRIBE.name, "DELETE": EVENTS_SUBSCRIBE.name}
    permission_classes = [IsAuthenticated, IsIntegrationClient]

    def _mine(self, request: Request, subscription_id: int) -> Subscription:
        found = Subscription.objects.filter(pk=subscription_id, client=_client(request)).first()
        if found is None:
            raise NotFound()
        return found

    @extend_schema(
        operation_id="subscriptionRetrieve",
        responses={200: SubscriptionSerializer, **problem_responses(400, 401, 403, 404)},
        tags=["events"],
    )
    def get(self, request: Request, subscription_id: int) -> Response:
        return Response(SubscriptionSerializer(self._mine(request, subscription_id)).data)

    @extend_schema(
        operation_id="subscriptionDelete",
        responses={204: None, **problem_responses(400, 401, 403, 404)},
        tags=["events"],
    )
    def delete(self, request: Request, subscription_id: int) -> Response:
        with transaction.atomic():
            subscription_end(self._mine(request, subscription_id), "cancelled by the client")
        return Response(status=status.HTTP_204_NO_CONTENT)
