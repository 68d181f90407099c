"""Every endpoint against every role, a superuser included (README "Who may call what").

Each operation of the OpenAPI document has a row: the callers that get through (neither
401, 403 nor 404). Everyone else must be refused. A new operation without a row fails
the coverage test, so no endpoint ships without saying who may call it. Workflow steps
are checked against the roles their specs declare (the operation's "Who may call it"),
and no step is open to a resident, an integration, an administrator or a superuser.

The callers: anonymous; the resident who filed the cases (``filer``); another resident;
the three handling roles, members of the cases' team; an integration client that did
not file them; an administrator; a superuser that holds no role.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from cases.api.step_links import operation_id
from cases.workflows.registry import WORKFLOWS

pytestmark = pytest.mark.django_db

CALLERS = (
    "anonymous",
    "filer",
    "resident",
    "case_handler",
    "legal_staff",
    "team_lead",
    "integration_client",
    "administrator",
    "superuser",
)
STAFF = frozenset({"case_handler", "legal_staff", "team_lead"})
SIGNED_IN = frozenset(CALLERS) - {"anonymous"}
EVERYONE = frozenset(CALLERS)
# Who sees the cases at all: their filer, the team's staff and the administrator's grants.
SEES_CASES = STAFF | {"filer", "administrator", "superuser"}
# Who sees their personal data: handling staff, and the filer (AVG art. 15).
PERSONAL = STAFF | {"filer"}

# operationId: (method, path, body or query, callers that get through)
ACCESS: dict[str, tuple[str, str, dict | None, frozenset[str]]] = {
    "healthLiveness": ("get", "/health", None, EVERYONE),
    "healthReadiness": ("get", "/health/ready", None, EVERYONE),
    "legalTermRetrieve": ("get", "/legal-terms/objection-decision", None, EVERYONE),
    "penaltyPaymentRetrieve": ("get", "/legal-terms/penalty-payment", None, EVERYONE),
    # Filing: everyone who may file (an empty body: 400 for them, 403 for the others).
    "complaintFile": ("post", "/complaints", {}, EVERYONE - {"administrator", "superuser"}),
    "objectionFile": ("post", "/objections", {}, EVERYONE - {"administrator", "superuser"}),
    "caseList": ("get", "/cases", None, SIGNED_IN),
    "caseRetrieve": ("get", "/cases/{complaint}", None, SEES_CASES),
    "caseAssignmentUpdate": (
        "put",
        "/cases/{complaint}/assignment",
        {"assignee": None},
        STAFF | {"administrator", "superuser"},
    ),
    "caseAttachmentDownload": (
        "get",
        "/cases/{complaint}/attachments/{attachment}",
        None,
        PERSONAL,
    ),
    "caseContactMomentCreate": ("post", "/cases/{complaint}/contact-moments", {}, STAFF),
    "caseEventList": ("get", "/cases/{complaint}/events", None, STAFF),
    "caseLetterPreview": ("get", "/cases/{complaint}/letter-preview", None, STAFF),
    "caseLetterList": ("get", "/cases/{complaint}/letters", None, PERSONAL),
    "caseLetterDownload": ("get", "/cases/{complaint}/letters/{letter}", None, PERSONAL),
    "caseLetterCorrectionCreate": (
        "post",
        "/cases/{complaint}/letters/{letter}/corrections",
        {},
        STAFF,
    ),
    "caseLetterDeliveryCreate": (
        "post",
        "/cases/{complaint}/letters/{letter}/deliveries",
        {},
        STAFF,
    ),
    "caseNoteCreate": ("post", "/cases/{complaint}/notes", {}, STAFF),
    "caseNoticeOfDefaultCreate": (
        "post",
        "/cases/{objection}/notices-of-default",
        {},
        frozenset({"legal_staff"}),
    ),
    "casePenaltyDecisionCreate": (
        "post",
        "/cases/{objection}/penalty-decision",
        {},
        frozenset({"legal_staff"}),
    ),
    # The complainant rates; staff record a rating given by phone.
    "caseSatisfactionCreate": ("post", "/cases/{complaint}/satisfaction", {}, PERSONAL),
    # A step by name (deprecated): a step handlers and team leads may take.
    "caseTransitionCreate": (
        "post",
        "/cases/{complaint}/transitions",
        {"name": "resolve_informally", "data": {}},
        frozenset({"case_handler", "team_lead"}),
    ),
    # The mailroom: print batches hold every team's addresses.
    "printBatchList": ("get", "/print-batches", None, frozenset({"team_lead"})),
    "printBatchListing": ("get", "/print-batches/{batch}/listing", None, frozenset({"team_lead"})),
    "printBatchPdf": ("get", "/print-batches/{batch}/pdf", None, frozenset({"team_lead"})),
    "printBatchPostedCreate": (
        "post",
        "/print-batches/{batch}/posted",
        {},
        frozenset({"team_lead"}),
    ),
    # The filer withdraws their own case; staff record a withdrawal with the step.
    "caseWithdrawalCreate": ("post", "/cases/{complaint}/withdrawal", {}, frozenset({"filer"})),
    # A new tracking link for the resident: handling staff.
    "caseTrackingLinkCreate": ("post", "/cases/{complaint}/tracking-link", None, STAFF),
    # The tracking link is the credential: whoever holds it (credentials are ignored).
    "trackingRetrieve": ("get", "/tracking/{key}", None, EVERYONE),
    "trackingLetterDownload": ("get", "/tracking/{key}/letters/{letter}", None, EVERYONE),
    "trackingInformationCreate": ("post", "/tracking/{key}/information", {}, EVERYONE),
    "trackingWithdrawalCreate": ("post", "/tracking/{key}/withdrawal", {}, EVERYONE),
    "trackingRatingCreate": ("post", "/tracking/{key}/rating", {}, EVERYONE),
    # Webhook subscriptions belong to integration clients (a token with events:subscribe).
    "subscriptionList": ("get", "/subscriptions", None, frozenset({"integration_client"})),
    "subscriptionCreate": ("post", "/subscriptions", {}, frozenset({"integration_client"})),
    "subscriptionRetrieve": (
        "get",
        "/subscriptions/{subscription}",
        None,
        frozenset({"integration_client"}),
    ),
    "subscriptionDelete": (
        "delete",
        "/subscriptions/{subscription}",
        None,
        frozenset({"integration_client"}),
    ),
    # The register of processing activities: anyone signed in (no scope: not a client).
    "processingActivityList": (
        "get",
        "/processing-activities",
        None,
        SIGNED_IN - {"integration_client"},
    ),
    "processingActivityRetrieve": (
        "get",
        "/processing-activities/complaint-handling",
        None,
        SIGNED_IN - {"integration_client"},
    ),
    # The processing log: legal staff only (a superuser without the role neither).
    "processingLogSearch": (
        "post",
        "/processing-log/search",
        {"bsn": "111222333"},
        frozenset({"legal_staff"}),
    ),
    # Figures (anonymous): team leads and administrators (a superuser holds the latter).
    "reportFiguresRetrieve": (
        "get",
        "/reports/figures",
        None,
        frozenset({"team_lead", "administrator", "superuser"}),
    ),
    # The annual complaint report (Awb 9:12a): read as the figures; measures by team leads.
    "complaintReportRetrieve": (
        "get",
        "/reports/complaints/2026",
        None,
        frozenset({"team_lead", "administrator", "superuser"}),
    ),
    "complaintReportMeasuresUpdate": (
        "put",
        "/reports/complaints/2026/measures",
        {},
        frozenset({"team_lead"}),
    ),
    # A legal hold (retention skips the case): legal staff and team leads, on their cases.
    "caseLegalHoldUpdate": (
        "put",
        "/cases/{complaint}/legal-hold",
        {"hold": False},
        frozenset({"legal_staff", "team_lead"}),
    ),
    # A person's data as a ZIP (AVG art. 15): legal staff (an empty body: 400 for them).
    "personalDataExportCreate": (
        "post",
        "/personal-data-exports",
        {},
        frozenset({"legal_staff"}),
    ),
    "caseProcessingLogList": (
        "get",
        "/cases/{complaint}/processing-log",
        None,
        frozenset({"legal_staff"}),
    ),
}
REFUSED = {401, 403, 404}


def _steps() -> dict[str, tuple[str, str, frozenset[str]]]:
    """operationId: (placeholder, path, callers the step's spec grants it to)."""
    found = {}
    for flow in WORKFLOWS.values():
        for step in flow.steps.values():
            found[operation_id(flow, step)] = (
                f"{{{flow.kind}}}",
                f"/{flow.collection}/{{{flow.kind}}}/steps/{step.slug}",
                frozenset(role.value for role in step.roles),
            )
    return found


STEPS = _steps()


def test_every_operation_says_who_may_call_it():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        operation["operationId"]
        for methods in schema["paths"].values()
        for operation in methods.values()
    }
    assert operations == set(ACCESS) | set(STEPS)


def test_no_step_is_open_to_residents_integrations_administrators_or_superusers():
    for name, (_, _, roles) in STEPS.items():
        assert roles <= STAFF, name


def _walk(world, method: str, path: str, body: dict | None, allowed: frozenset[str]) -> list[str]:
    """Call as every caller, the refused first (an allowed call may change the case);
    return what went wrong."""
    callers, places = world
    url = "/api/v1" + path.format(**places)
    wrong = []
    for caller in sorted(CALLERS, key=lambda name: (name in allowed, name)):
        client = callers[caller]
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, body or {}, format="json")
        status = response.status_code
        if status >= 500:
            wrong.append(f"{caller}: {status}")
        elif caller in allowed and status in REFUSED:
            wrong.append(f"{caller} refused ({status})")
        elif caller not in allowed and status not in REFUSED:
            wrong.append(f"{caller} got through ({status})")
    return wrong


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_endpoint_refuses_everyone_it_should(world, name):
    method, path, body, allowed = ACCESS[name]
    assert _walk(world, method, path, body, allowed) == []


@pytest.mark.parametrize("name", sorted(STEPS))
def test_step_refuses_everyone_its_spec_does_not_name(world, name):
    _, path, allowed = STEPS[name]
    assert _walk(world, "post", path, {}, allowed) == []
