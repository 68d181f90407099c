"""Who may do what with cases: the grants of the cases app to the roles.

The workflow steps' grants come from the workflow specs (each step names its roles);
the rest is listed here. ``backend.accounts.roles.roles_sync`` turns them into groups.
"""

from collections.abc import Iterator

from backend.accounts.roles import Grant, Role, admin_grants
from cases.workflows.registry import WORKFLOWS
from cases.workflows.spec import in_language

R = Role
HANDLING = frozenset({R.CASE_HANDLER, R.LEGAL_STAFF, R.TEAM_LEAD})

# Everything but the steps, which the workflow specs grant.
CASE_GRANTS: dict[str, frozenset[Role]] = {
    # Filing is open to everyone who may file; staff intake (phone, counter, post, e-mail,
    # with the actual received date-time) needs register_intake.
    "cases.file_case": HANDLING | {R.RESIDENT, R.INTEGRATION_CLIENT},
    "cases.register_intake": HANDLING,
    # Administrators see every case in the queue but no personal data - the role
    # configures teams and users and does not need it (AVG data minimisation). That
    # includes the timeline: notes and step data are personal data.
    "cases.view_queue": HANDLING | {R.ADMINISTRATOR},
    "cases.view_all_cases": frozenset({R.ADMINISTRATOR}),
    "cases.view_all_objections": frozenset({R.LEGAL_STAFF}),
    "cases.view_personal_data": HANDLING,
    "cases.view_care_note": HANDLING,
    # The BSN identifies a person across government: only legal staff, who decide on
    # objections to decisions about that person, see it (AVG data minimisation).
    "cases.view_bsn": frozenset({R.LEGAL_STAFF}),
    "cases.view_events": HANDLING,
    "cases.claim_case": HANDLING,
    "cases.assign_case": frozenset({R.TEAM_LEAD, R.ADMINISTRATOR}),
    "cases.add_note": HANDLING,
    "cases.log_contact": HANDLING,
    "cases.objection_record_default": frozenset({R.LEGAL_STAFF}),
    "cases.objection_fix_penalty": frozenset({R.LEGAL_STAFF}),
}


def grants() -> Iterator[Grant]:
    for permission, roles in CASE_GRANTS.items():
        yield Grant(permission=permission, roles=roles)
    # The admin: calendars are configured there; cases and terms are only looked at
    # (without parties or timeline, cases/admin.py).
    yield from admin_grants("cases", "decreeday", "view add change delete")
    yield from admin_grants("cases", "closingday", "view add change delete")
    yield from admin_grants("cases", "case")
    yield from admin_grants("cases", "deadline")
    # Retention periods per kind and final status (the municipality's selection list).
    yield from admin_grants("cases", "retentionrule", "view add change delete")
    # The figures (cases.figures): anonymous, for those who steer the work.
    yield Grant(
        permission="cases.view_reports",
        roles=frozenset({R.TEAM_LEAD, R.ADMINISTRATOR}),
        model="cases.case",
        name="Can see the figures and the annual complaint report",
    )
    # The annual complaint report's section on measures (Awb 9:12a).
    yield Grant(
        permission="cases.write_report_measures",
        roles=frozenset({R.TEAM_LEAD}),
        model="cases.complaintreportmeasures",
        name="Can write the measures in the annual complaint report",
    )
    # A legal hold keeps a case past its retention period (subject_rights.retention).
    yield Grant(
        permission="cases.set_legal_hold",
        roles=frozenset({R.LEGAL_STAFF, R.TEAM_LEAD}),
        model="cases.case",
        name="Can put a case on legal hold, or lift it",
    )
    for workflow in WORKFLOWS.values():
        model = f"{workflow.proxy._meta.app_label}.{workflow.proxy._meta.model_name}"
        for step in workflow.steps.values():
            yield Grant(
                permission=workflow.permission(step.name),
                roles=step.roles,
                model=model,
                name=f"Can take the step '{in_language(step.label, 'en')}' "
                f"({in_language(workflow.title, 'en')})",
            )
