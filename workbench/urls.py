"""The workbench for staff, under /werkbank/ (Dutch paths: its users read them)."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from workbench import case_page, inbox, queue, team
from workbench.sign_in import SignInView

app_name = "workbench"

urlpatterns = [
    path("", queue.queue_page, name="queue"),
    path("bezwaren", inbox.objections_inbox, name="objections"),
    path("team", team.team_page, name="team"),
    path("printbatches/<int:batch_id>/verstuurd", team.batch_posted, name="batch-posted"),
    path("inloggen", SignInView.as_view(), name="login"),
    path("uitloggen", auth_views.LogoutView.as_view(), name="logout"),
    path("taal", set_language, name="language"),
    path("zaken/<str:reference>", case_page.case_page, name="case"),
    path("zaken/<str:reference>/oppakken", case_page.claim, name="claim"),
    path("zaken/<str:reference>/contact", case_page.log_contact, name="log-contact"),
    path("zaken/<str:reference>/toewijzen", team.assign, name="assign"),
    path("zaken/<str:reference>/notities", case_page.add_note, name="add-note"),
    path("zaken/<str:reference>/volglink", case_page.new_tracking_link, name="tracking-link"),
    path("zaken/<str:reference>/stappen/<slug:slug>", case_page.take_step, name="step"),
    path(
        "zaken/<str:reference>/voorbeeld/<str:token>",
        case_page.letter_preview,
        name="letter-preview",
    ),
]
