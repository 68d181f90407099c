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
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.RESIDENT: ["cases.file_case"],
    Role.INTEGRATION_CLIENT: ["cases.file_case"],
    Role.CASE_HANDLER: ["cases.file_case", *_HANDLING],
    Role.LEGAL_STAFF: ["cases.file_case", *_HANDLING, "cases.view_all_objections"],
    Role.TEAM_LEAD: ["cases.file_case", *_HANDLING, "cases.assign_case"],
    # Functional administration: configures teams and users and sees every case, but no
    # personal data - the role does not need it (AVG data minimisation).
    Role.ADMINISTRATOR: [
        "cases.view_queue",
        "cases.view_all_cases",
        "cases.view_events",
        "cases.assign_case",
    ],
}
