"""Roles are groups of permissions, created by a data migration.

The mapping below is the single place that says who may do what; the migration and the
tests read it. Permission codenames are ``app_label.codename``.
"""

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"
    CASE_HANDLER = "case_handler"
    LEGAL_STAFF = "legal_staff"
    TEAM_LEAD = "team_lead"
    INTEGRATION_CLIENT = "integration_client"
    ADMINISTRATOR = "administrator"


STAFF_ROLES = frozenset({Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.TEAM_LEAD})

# Filing is open to everyone who may file; staff intake (phone, counter, post, e-mail,
# with the actual received date-time) needs ``register_intake``.
_HANDLING = [
    "cases.register_intake",
    "cases.view_queue",
    "cases.view_personal_data",
    "cases.view_care_note",
    "cases.claim_case",
    "cases.add_note",
    "cases.view_events",
    "cases.log_contact",
    "letters.send_letter",
]

# Complaints are handled by complaint handlers and their team leads (Awb 9:7 is checked
# per case: never the person complained about).
_COMPLAINT_STEPS = [
    f"cases.complaint_{step}"
    for step in (
        "confirm_receipt",
        "offer_written_contact",
        "resolve_informally",
        "start_formal_handling",
        "plan_hearing",
        "hold_hearing",
        "waive_hearing",
        "involve_committee",
        "extend_term",
        "record_outcome",
        "not_handle",
        "forward",
        "withdraw",
    )
]

# Objections: legal staff own the procedure (admissibility, review as second lawyer);
# handlers and team leads run the informal call, hearings and drafting.
_OBJECTION_HANDLING = [
    f"cases.objection_{step}"
    for step in (
        "confirm_receipt",
        "handle_informally",
        "handle_hearing",
        "refer_committee",
        "postpone",
        "draft_decision",
        "withdraw",
    )
]
_OBJECTION_LEGAL = [
    *_OBJECTION_HANDLING,
    "cases.objection_check_admissibility",
    "cases.objection_review_decision",
    "cases.objection_record_default",
    "cases.objection_fix_penalty",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.RESIDENT: ["cases.file_case"],
    Role.INTEGRATION_CLIENT: ["cases.file_case"],
    Role.CASE_HANDLER: [
        "cases.file_case",
        *_HANDLING,
        *_COMPLAINT_STEPS,
        *_OBJECTION_HANDLING,
    ],
    Role.LEGAL_STAFF: [
        "cases.file_case",
        *_HANDLING,
        "cases.view_all_objections",
        *_OBJECTION_LEGAL,
    ],
    Role.TEAM_LEAD: [
        "cases.file_case",
        *_HANDLING,
        *_COMPLAINT_STEPS,
        *_OBJECTION_HANDLING,
        "cases.assign_case",
        # The mailroom's task: print batches hold every team's letters and addresses.
        "letters.print_letters",
    ],
    # Functional administration: configures teams and users and sees every case, but no
    # personal data - the role does not need it (AVG data minimisation). That includes the
    # timeline: notes and step data (hearing reports, agreed solutions) are personal data.
    Role.ADMINISTRATOR: [
        "cases.view_queue",
        "cases.view_all_cases",
        "cases.assign_case",
    ],
}


def roles_sync(apps) -> None:  # noqa: ANN001 - a migration's app registry or django.apps
    """Create or update every role group with exactly its permissions.

    Idempotent; called by data migrations whenever permissions or roles change. Permissions
    that do not exist yet (their model comes in a later migration) are skipped; the
    migration that adds them syncs again.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        wanted = [tuple(dotted.split(".")) for dotted in codenames]
        found = [
            p
            for p in permission_model.objects.filter(
                codename__in=[codename for _, codename in wanted]
            ).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(found)
