"""URL configuration: the API under /api/v1 (no trailing slashes), the admin."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from backend import metrics
from backend.api import health, problems

api_v1 = [
    path("health", health.LivenessView.as_view(), name="health"),
    path("health/ready", health.ReadinessView.as_view(), name="health-ready"),
    path("metrics", metrics.metrics_view, name="metrics"),  # Prometheus, not in OpenAPI
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    # The split view serves its script as a file: the page runs under a CSP without
    # inline scripts.
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="openapi"), name="api-docs"),
    path("", include("cases.api.urls")),
    path("", include("letters.urls")),
    path("", include("backend.webhooks.urls")),
    path("", include("backend.processing_log.urls")),
    path("", include("tracking.urls")),
    path("", include("subject_rights.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    # Anything else under /api (a trailing slash, a typo) is a problem+json 404, also with
    # debug on, where Django would answer with an HTML page.
    re_path(r"^api/", problems.api_not_found),
    path("admin/", admin.site.urls),
    # The identity provider's sign-in (mozilla-django-oidc reverses its own route names).
    path("werkbank/oidc/", include("mozilla_django_oidc.urls")),
    path("werkbank/", include("workbench.urls")),
]

handler404 = "backend.api.problems.handler404"
handler500 = "backend.api.problems.handler500"
