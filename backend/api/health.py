"""Liveness and readiness. Callers: anyone (load balancers, orchestrators)."""

import logging

from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.problems import PROBLEM_CONTENT_TYPE, problem_body
from backend.api.views import ServiceView
from backend.celery import app as celery_app

logger = logging.getLogger(__name__)

_HEALTH = inline_serializer("Health", {"status": serializers.CharField()})
_READY = inline_serializer(
    "Readiness",
    {
        "status": serializers.CharField(),
        "checks": serializers.DictField(child=serializers.CharField()),
    },
)


def database_ok(conn: BaseDatabaseWrapper = connection) -> bool:
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("Readiness: database unreachable", exc_info=True)
        return False


def broker_ok(url: str | None = None) -> bool:
    try:
        with celery_app.connection_for_write(url or settings.CELERY_BROKER_URL) as conn:
            # One try, no pause before it (kombu's default waits 2 s between tries).
            conn.ensure_connection(
                max_retries=1, interval_start=0, timeout=settings.BROKER_HEALTH_TIMEOUT
            )
        return True
    except Exception:
        logger.warning("Readiness: broker unreachable", exc_info=True)
        return False


class LivenessView(ServiceView):
    """The process answers."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="healthLiveness", responses={200: _HEALTH}, tags=["health"], auth=[{}]
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadinessView(ServiceView):
    """Whether this web process can serve: the database answers. The broker is reported
    but does not decide: filing and steps go on while it is down (work waits in the
    outbox), so an orchestrator routing on this must not take every web process out of
    service over a broker outage. 503 with problem details when the database does not
    answer; 200 with ``status: degraded`` when only the broker does not."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="healthReadiness",
        responses={200: _READY, 503: OpenApiResponse(description="Problem details (RFC 9457).")},
        tags=["health"],
        auth=[{}],
    )
    def get(self, request: Request) -> Response:
        checks = {
            "database": "ok" if database_ok() else "down",
            "broker": "ok" if broker_ok() else "down",
        }
        if checks["database"] == "ok":
            broker_up = checks["broker"] == "ok"
            return Response({"status": "ok" if broker_up else "degraded", "checks": checks})
        body = problem_body(
            status=503,
            slug="not-ready",
            title="Service Unavailable",
            detail="Not ready: database unreachable.",
            instance=request.path,
            extra={"checks": checks},
        )
        return Response(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
