"""Every API view of the service is a ``ServiceView`` (backend/api/views.py): a view on
DRF's plain ``APIView`` would commit its changes without their processing records."""

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from backend.accounts.models import Team
from backend.api.views import ServiceView
from tests.factories import TeamFactory

# Libraries' views that serve the API's documents, never personal data or a change.
LIBRARIES = ("drf_spectacular.",)


def views(patterns: list, prefix: str = "") -> Iterator[tuple[str, type]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "cls", None)
            if isinstance(view, type):
                yield prefix + str(entry.pattern), view


def test_every_api_route_is_served_by_a_service_view():
    routes = list(views(get_resolver().url_patterns))
    drf = [(route, view) for route, view in routes if issubclass(view, APIView)]
    ours = [(route, view) for route, view in drf if not view.__module__.startswith(LIBRARIES)]
    assert len(ours) > 40  # the walk reached the API's routes
    assert [
        f"{route}: {view.__module__}.{view.__name__}"
        for route, view in ours
        if not issubclass(view, ServiceView)
    ] == []


@pytest.mark.django_db
def test_an_error_a_view_answers_itself_saves_nothing():
    """Not only the errors the exception handler answers: a change whose view returns
    an error answer is rolled back too."""

    class Refuses(ServiceView):
        authentication_classes: list = []
        permission_classes = [AllowAny]

        def post(self, request: Request) -> Response:
            TeamFactory(code="written-then-refused")
            return Response({"detail": "refused"}, status=409)

    with transaction.atomic():  # as ATOMIC_REQUESTS runs a view
        response = Refuses.as_view()(APIRequestFactory().post("/refuses"))
    assert response.status_code == 409
    assert not Team.objects.filter(code="written-then-refused").exists()
