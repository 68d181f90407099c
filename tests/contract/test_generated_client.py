"""A client generated from the served OpenAPI document alone walks both routes.

``openapi-python-client`` turns the document into a typed Python package (it must do so
without a warning); the test then files a complaint and resolves it by phone, and files
an objection and takes it to a four-eyes decision, calling nothing but that package.
Requests go in-process over WSGI (httpx's WSGI transport) inside the test's transaction.
"""

import datetime
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from django.utils import timezone

from backend.accounts.roles import Role
from backend.wsgi import application
from tests.contract.test_schemathesis import keeping_the_test_connection, served_document
from tests.factories import UserFactory, api_key

pytestmark = pytest.mark.django_db

PACKAGE = "kb_api_client"
# Binary responses: the generator knows application/octet-stream, not each binary type.
GENERATOR_CONFIG = (
    "content_type_overrides:\n"
    "  application/pdf: application/octet-stream\n"
    "  application/zip: application/octet-stream\n"
)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_text(json.dumps(served_document()))
    (folder / "config.yaml").write_text(GENERATOR_CONFIG)
    tools = Path(sys.executable).parent
    result = subprocess.run(  # noqa: S603 - the installed generator, fixed arguments
        [
            str(tools / "openapi-python-client"),
            "generate",
            "--path",
            "openapi.json",
            "--output-path",
            PACKAGE,
            "--meta",
            "none",
            "--config",
            "config.yaml",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"},
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def part(api: ModuleType, path: str) -> ModuleType:
    return importlib.import_module(f"{api.__name__}.{path}")


@pytest.fixture
def connect(api):
    """A generated client for a user (by API token)."""

    def make(user):
        return api.AuthenticatedClient(
            base_url="http://testserver/api/v1",
            token=api_key(user),
            prefix="Token",
            httpx_args={"transport": httpx.WSGITransport(app=application)},
        )

    return make


@pytest.fixture(autouse=True)
def in_process():
    with keeping_the_test_connection():
        yield


def party(api: ModuleType, **extra):
    models = part(api, "models")
    return models.PartyInputRequest(
        name="Fatima el Amrani",
        phone="06 12345678",
        preferred_contact_times=[models.PreferredContactTimesEnum.MORNING],
        **extra,
    )


def test_a_complaint_from_filing_to_informal_resolution(api, connect, users):
    models = part(api, "models")
    resident = connect(users[Role.RESIDENT])
    handler_user = users[Role.CASE_HANDLER]
    handler = connect(handler_user)

    receipt = part(api, "api.filing.complaint_file").sync(
        client=resident,
        body=models.ComplaintFilingRequest(
            subject="Lantaarnpaal kapot",
            description="De lantaarnpaal voor Grote Markt 1 brandt al twee weken niet.",
            parties=[party(api)],
        ),
    )
    assert isinstance(receipt, models.FilingReceipt), receipt
    reference = receipt.reference

    claimed = part(api, "api.queues.case_assignment_update").sync(
        reference,
        client=handler,
        body=models.AssignmentInputRequest(assignee=handler_user.username),
    )
    assert claimed.assignee.username == handler_user.username

    case = part(api, "api.complaint_steps.complaint_confirm_receipt").sync(
        reference, client=handler
    )
    offered = {step.name: step for step in case.available_transitions}
    assert offered["resolve_informally"].label.nl == "Informeel opgelost"
    assert offered["resolve_informally"].href.endswith("/steps/resolve-informally")

    moment = part(api, "api.workflow.case_contact_moment_create").sync(
        reference,
        client=handler,
        body=models.ContactMomentInputRequest(
            outcome=models.ContactOutcomeEnum.REACHED, note="Lamp wordt vrijdag vervangen"
        ),
    )
    assert moment.outcome == models.ContactOutcomeEnum.REACHED

    resolved = part(api, "api.complaint_steps.complaint_resolve_informally").sync(
        reference,
        client=handler,
        body=models.ResolveInformallyInputRequest(
            solution="Lamp wordt vrijdag vervangen",
            confirmed_via=models.ContactMomentChannelEnum.PHONE,
            confirmed_at=timezone.now(),
        ),
    )
    assert isinstance(resolved, models.CaseDetail), resolved
    assert resolved.status == "resolved_informally"
    assert resolved.available_transitions == []

    seen = part(api, "api.cases.case_retrieve").sync(reference, client=resident)
    assert seen.status == "resolved_informally"


def test_an_objection_from_filing_to_a_four_eyes_decision(api, connect, users, team):
    models = part(api, "models")
    steps = "api.objection_steps"
    resident = connect(users[Role.RESIDENT])
    drafter = connect(users[Role.LEGAL_STAFF])
    reviewer = connect(UserFactory(role=Role.LEGAL_STAFF, teams=[team]))

    receipt = part(api, "api.filing.objection_file").sync(
        client=resident,
        body=models.ObjectionFilingRequest(
            subject="Bezwaar tegen de parkeervergunning",
            description="Ik ben het niet eens met de weigering.",
            parties=[party(api)],
            objection=models.ObjectionInputRequest(
                decision_reference="PV-2026-0042",
                decision_subject="Weigering parkeervergunning",
                decision_date=timezone.localdate() - datetime.timedelta(days=7),
                grounds="Ik woon er en heb de auto nodig voor mijn werk.",
                signed=True,
            ),
        ),
    )
    reference = receipt.reference

    part(api, f"{steps}.objection_confirm_receipt").sync(reference, client=drafter)
    accepted = part(api, f"{steps}.objection_accept").sync(
        reference, client=drafter, body=models.AcceptInputRequest()
    )
    assert accepted.status == "informal_contact"
    assert accepted.objection.on_time is True
    part(api, f"{steps}.objection_continue_formally").sync(reference, client=drafter)
    part(api, f"{steps}.objection_waive_hearing").sync(
        reference,
        client=drafter,
        body=models.ObjectionWaiveHearingInputRequest(
            ground=models.ObjectionHearingWaivedGroundEnum.WAIVED
        ),
    )
    drafted = part(api, f"{steps}.objection_draft_decision").sync(
        reference,
        client=drafter,
        body=models.DraftDecisionInputRequest(
            outcome=models.DecisionOutcomeEnum.UNFOUNDED,
            reasons="De weigering is juist gemotiveerd.",
            costs=models.CostsEnum.NOT_REQUESTED,
        ),
    )
    assert drafted.status == "decision_drafted"
    assert "approve_decision" not in [step.name for step in drafted.available_transitions]

    own = part(api, f"{steps}.objection_approve_decision").sync_detailed(reference, client=drafter)
    assert own.status_code == 403
    assert isinstance(own.parsed, models.Problem)

    decided = part(api, f"{steps}.objection_approve_decision").sync(reference, client=reviewer)
    assert isinstance(decided, models.CaseDetail), decided
    assert decided.status == "decided"
    assert decided.objection.reviewed_by.username != decided.objection.drafted_by.username
