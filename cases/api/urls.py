from django.urls import path

from cases.api import legal_terms, processing_log, reports, steps, views, workflow

urlpatterns = [
    path(
        "legal-terms/penalty-payment",
        legal_terms.PenaltyPaymentView.as_view(),
        name="legal-term-penalty",
    ),
    path("legal-terms/<str:term>", legal_terms.LegalTermView.as_view(), name="legal-term"),
    path("reports/figures", reports.FiguresView.as_view(), name="report-figures"),
    path(
        "reports/complaints/<str:year>/measures",
        reports.ComplaintReportMeasuresView.as_view(),
        name="report-complaint-measures",
    ),
    path("complaints", views.ComplaintFilingView.as_view(), name="complaint-file"),
    path("objections", views.ObjectionFilingView.as_view(), name="objection-file"),
    path("cases", views.CaseQueueView.as_view(), name="case-list"),
    path("cases/<str:reference>", views.CaseDetailView.as_view(), name="case-detail"),
    path(
        "cases/<str:reference>/assignment",
        views.CaseAssignmentView.as_view(),
        name="case-assignment",
    ),
    path("cases/<str:reference>/events", views.CaseEventsView.as_view(), name="case-events"),
    path(
        "cases/<str:reference>/attachments/<int:attachment_id>",
        views.AttachmentDownloadView.as_view(),
        name="case-attachment",
    ),
    path(
        "cases/<str:reference>/transitions",
        workflow.CaseTransitionView.as_view(),
        name="case-transitions",
    ),
    path(
        "cases/<str:reference>/contact-moments",
        workflow.ContactMomentsView.as_view(),
        name="case-contact-moments",
    ),
    path(
        "cases/<str:reference>/withdrawal",
        workflow.WithdrawalView.as_view(),
        name="case-withdrawal",
    ),
    path(
        "cases/<str:reference>/tracking-link",
        views.TrackingLinkView.as_view(),
        name="case-tracking-link",
    ),
    path(
        "cases/<str:reference>/satisfaction",
        workflow.SatisfactionView.as_view(),
        name="case-satisfaction",
    ),
    path(
        "cases/<str:reference>/notices-of-default",
        workflow.NoticesOfDefaultView.as_view(),
        name="case-notices-of-default",
    ),
    path(
        "cases/<str:reference>/penalty-decision",
        workflow.PenaltyDecisionView.as_view(),
        name="case-penalty-decision",
    ),
    path(
        "cases/<str:reference>/legal-hold",
        views.LegalHoldView.as_view(),
        name="case-legal-hold",
    ),
    path(
        "cases/<str:reference>/processing-log",
        processing_log.CaseProcessingLogView.as_view(),
        name="case-processing-log",
    ),
    path("cases/<str:reference>/notes", views.CaseNotesView.as_view(), name="case-notes"),
    *steps.step_urlpatterns(),
]
