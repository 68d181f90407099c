from django.urls import path

from backend.processing_log import api

urlpatterns = [
    path(
        "processing-activities",
        api.ProcessingActivityListView.as_view(),
        name="processing-activity-list",
    ),
    path(
        "processing-activities/<str:activity_id>",
        api.ProcessingActivityDetailView.as_view(),
        name="processing-activity-detail",
    ),
    path(
        "processing-log/search", api.ProcessingLogSearchView.as_view(), name="processing-log-search"
    ),
]
