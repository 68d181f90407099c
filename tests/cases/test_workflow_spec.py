"""Everything about a step is derived from its one declaration (``cases.workflows.spec``):
the transition, the permission and the roles that hold it, the API operation and its
request schema, the offer in the case detail, the Dutch and English texts. Each test here
fails when one of them drifts from the specs."""

import pytest
from django.contrib.auth.models import Group
from django.urls import resolve
from django.utils import translation
from rest_framework import serializers

from backend.accounts.roles import Role, role_permissions
from backend.api.camel import to_camel
from cases.api.step_links import input_schema_name, operation_id
from cases.models import Case
from cases.workflows.registry import WORKFLOWS
from cases.workflows.spec import NoInput, in_language
from tests.cases.steps import step
from tests.cases.test_filing_api import complaint_body

STEPS = [(kind, name) for kind, workflow in WORKFLOWS.items() for name in workflow.steps]


def spec(kind: str, name: str):
    return WORKFLOWS[kind].steps[name]


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/v1/openapi.json").json()


def test_every_transition_of_a_workflow_is_declared_as_a_step():
    for workflow in WORKFLOWS.values():
        field = workflow.proxy._meta.get_field("status")
        for transition in field.get_all_transitions(workflow.proxy):
            assert "step" in transition.custom, f"{transition.name}: use @step, not @transition"


@pytest.mark.parametrize(("kind", "name"), STEPS)
def test_every_step_has_a_dutch_label_and_description(kind, name):
    declared = spec(kind, name)
    assert declared.description, "the method's docstring describes the step"
    labels = declared.labels()
    assert set(labels) == {"nl", "en"}
    assert labels["nl"] != labels["en"], f"no Dutch translation of {labels['en']!r}"


@pytest.mark.parametrize(("kind", "name"), STEPS)
def test_every_help_text_and_rule_is_in_dutch_too(kind, name):
    declared = spec(kind, name)
    texts = [field.help_text for field in declared.input().fields.values() if field.help_text]
    texts += [condition.message for condition in declared.conditions]
    if declared.guard is not None:
        texts.append(declared.guard.message)
    for text in texts:
        assert in_language(text, "nl") != in_language(text, "en"), str(text)


@pytest.mark.parametrize(("kind", "name"), STEPS)
def test_every_condition_and_guard_names_its_article(kind, name):
    declared = spec(kind, name)
    for rule in [*declared.conditions, *([declared.guard] if declared.guard else [])]:
        assert rule.article.strip(), rule.name


@pytest.mark.django_db
def test_each_role_group_holds_exactly_what_is_granted():
    granted = role_permissions()
    for role in Role:
        group = Group.objects.get(name=role.value)
        held = sorted(
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        )
        assert held == granted[role], role


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name"), STEPS)
def test_a_steps_permission_is_held_by_exactly_the_roles_it_names(kind, name):
    app_label, codename = WORKFLOWS[kind].permission(name).split(".")
    holders = set(
        Group.objects.filter(
            permissions__codename=codename, permissions__content_type__app_label=app_label
        ).values_list("name", flat=True)
    )
    assert holders == {role.value for role in spec(kind, name).roles}


@pytest.mark.parametrize(("kind", "name"), STEPS)
def test_every_step_is_an_operation_with_its_own_request_schema(openapi, kind, name):
    workflow, declared = WORKFLOWS[kind], spec(kind, name)
    operation = openapi["paths"][f"/{workflow.collection}/{{reference}}/steps/{declared.slug}"][
        "post"
    ]
    assert operation["operationId"] == operation_id(workflow, declared)
    assert operation["summary"] == in_language(declared.label, "en")
    assert {"200", "400", "401", "403", "404", "409"} <= set(operation["responses"])
    if declared.input is NoInput:
        assert "requestBody" not in operation
        return
    schema_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref == f"#/components/schemas/{input_schema_name(declared)}"
    schema = openapi["components"]["schemas"][input_schema_name(declared)]
    fields = declared.input().fields
    assert set(schema["properties"]) == {to_camel(field) for field in fields}
    required = {to_camel(n) for n, f in fields.items() if f.required}
    assert set(schema.get("required", [])) == required
    for field_name, field in fields.items():
        if isinstance(field, serializers.ChoiceField):
            documented = schema["properties"][to_camel(field_name)]
            assert documented.get("$ref") or documented.get("enum") or documented.get("allOf")


def test_no_step_operation_without_a_step(openapi):
    declared = {
        f"/{workflow.collection}/{{reference}}/steps/{each.slug}"
        for workflow in WORKFLOWS.values()
        for each in workflow.steps.values()
    }
    documented = {path for path in openapi["paths"] if "/steps/" in path}
    assert documented == declared


@pytest.fixture
def complaint_case(anon, users, team):
    reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
    case = Case.objects.get(reference=reference)
    Case.objects.filter(pk=case.pk).update(team=team)
    return case


@pytest.mark.django_db
def test_the_case_offers_each_step_with_labels_a_link_and_its_schema(
    openapi, client_for, users, complaint_case
):
    body = client_for(users[Role.CASE_HANDLER]).get(f"/api/v1/cases/{complaint_case.reference}")
    offered = body.json()["availableTransitions"]
    assert [each["name"] for each in offered] == [
        "confirm_receipt",
        "resolve_informally",
        "not_handle",
        "forward",
        "withdraw",
    ]
    for each in offered:
        declared = spec("complaint", each["name"])
        assert each["label"] == declared.labels()
        assert each["method"] == "POST"
        match = resolve(each["href"])
        assert match.func.view_class.step is declared
        assert each["operationId"] == operation_id(WORKFLOWS["complaint"], declared)
        if each["inputSchema"] is None:
            assert declared.input is NoInput
        else:
            name = each["inputSchema"].removeprefix("#/components/schemas/")
            assert name in openapi["components"]["schemas"]


@pytest.mark.django_db
def test_a_step_refused_by_a_condition_names_it_and_its_article(client_for, users, complaint_case):
    handler = client_for(users[Role.CASE_HANDLER])
    complaint_case.refresh_from_db()
    assert step(handler, complaint_case, "confirm_receipt").status_code == 200

    response = step(handler, complaint_case, "start_formal_handling")

    assert response.status_code == 409
    problem = response.json()
    assert problem["status"] == 409
    assert problem["caseStatus"] == "awaiting_contact"
    assert problem["failedConditions"] == [
        {
            "name": "handler_not_involved",
            "article": "Awb 9:7",
            "detail": in_language(
                spec("complaint", "start_formal_handling").conditions[0].message, "nl"
            ),
        }
    ]
    assert "Awb 9:7" in problem["detail"]


@pytest.mark.django_db
def test_a_refusal_follows_accept_language(client_for, users, complaint_case):
    handler = client_for(users[Role.CASE_HANDLER])
    step(handler, complaint_case, "confirm_receipt")
    url = f"/api/v1/complaints/{complaint_case.reference}/steps/offer-written-contact"

    dutch = handler.post(url, {}, format="json").json()
    english = handler.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()

    condition = spec("complaint", "offer_written_contact").conditions[0]
    assert dutch["failedConditions"][0]["detail"] == in_language(condition.message, "nl")
    assert english["failedConditions"][0]["detail"] == in_language(condition.message, "en")
    with translation.override("en"):
        assert english["detail"].startswith("The step offer_written_contact is not possible")
