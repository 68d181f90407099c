"""URL configuration: the API under /api/v1 (no trailing slashes), the admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from backend.api import health

api_v1 = [
    path("health", health.LivenessView.as_view(), name="health"),
    path("health/ready", health.ReadinessView.as_view(), name="health-ready"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs", SpectacularSwaggerView.as_view(url_name="openapi"), name="api-docs"),
    path("", include("cases.api.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
]

handler404 = "backend.api.problems.handler404"
handler500 = "backend.api.problems.handler500"
