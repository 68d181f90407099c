"""Every API view of the service is a ``ServiceView`` (backend/api/views.py): a view on
DRF's plain ``APIView`` would commit its changes without their processing records."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from backend.api.views import ServiceView

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
