"""The letters API, under /api/v1 beside the cases API (included by backend.urls)."""

from django.urls import path

from letters import annual_report, api

urlpatterns = [
    path("cases/<str:reference>/letters", api.CaseLettersView.as_view(), name="case-letters"),
    path(
        "cases/<str:reference>/letter-preview",
        api.LetterPreviewView.as_view(),
        name="case-letter-preview",
    ),
    path(
        "cases/<str:reference>/letters/<int:letter_id>",
        api.LetterDownloadView.as_view(),
        name="case-letter",
    ),
    path(
        "cases/<str:reference>/letters/<int:letter_id>/deliveries",
        api.LetterDeliveriesView.as_view(),
        name="case-letter-deliveries",
    ),
    path(
        "cases/<str:reference>/letters/<int:letter_id>/corrections",
        api.LetterCorrectionsView.as_view(),
        name="case-letter-corrections",
    ),
    path(
        "reports/complaints/<str:year>",
        annual_report.AnnualComplaintReportView.as_view(),
        name="report-complaints",
    ),
    path("print-batches", api.PrintBatchListView.as_view(), name="print-batches"),
    path(
        "print-batches/<int:batch_id>/pdf",
        api.PrintBatchPdfView.as_view(),
        name="print-batch-pdf",
    ),
    path(
        "print-batches/<int:batch_id>/listing",
        api.PrintBatchListingView.as_view(),
        name="print-batch-listing",
    ),
    path(
        "print-batches/<int:batch_id>/posted",
        api.PrintBatchPostedView.as_view(),
        name="print-batch-posted",
    ),
]
