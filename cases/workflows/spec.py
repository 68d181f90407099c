"""A workflow declared once.

Each step of a case kind is declared on its proxy model's method with ``@step``: the
states it leaves and enters, the roles that may take it, its input, its conditions (each
naming the article it comes from), a rule about the person where the role is not enough
(four eyes) and its effects. Everything else reads that declaration:

- django-fsm's transition (``step`` wraps ``transition``; the spec rides in ``custom``);
- the permission ``cases.<kind>_<step>`` and the role groups (``cases.roles``);
- the API's input validation and the OpenAPI document: one operation per step
  (``cases.api.steps``);
- ``availableTransitions`` in the case detail: name, Dutch and English label, link and
  input schema;
- the Mermaid diagram in the README (``cases.workflows.diagram``).
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django_fsm import Transition, transition
from rest_framework import serializers

from backend.accounts.roles import Role
from backend.api.inputs import StrictSerializer

Text = str | Promise
# (case, validated data, who, the timeline entry of the step) -> None
Effect = Callable[[Any, dict[str, Any], Any, Any], None]
# (case, validated data) -> data with what the law decides added (e.g. timeliness, 6:9)
Prepare = Callable[[Any, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True, eq=False)
class Condition:
    """A rule about the case that must hold before a step is possible. No side effects:
    it is evaluated for every case page to list the steps on offer."""

    check: Callable[[Any], bool]
    article: str
    message: Text

    @property
    def name(self) -> str:
        return self.check.__name__

    def __call__(self, case: Any) -> bool:
        return bool(self.check(case))


def condition(*, article: str, message: Text) -> Callable[[Callable[[Any], bool]], Condition]:
    """Declare a condition: ``message`` says what must hold, ``article`` where it is law."""

    def declare(check: Callable[[Any], bool]) -> Condition:
        return Condition(check=check, article=article, message=message)

    return declare


@dataclass(frozen=True, eq=False)
class Guard:
    """A rule about who takes the step on this case, beyond the role (four eyes). A
    superuser is held to it like anyone: it is law, not a permission."""

    check: Callable[[Any, Any], bool]
    article: str
    message: Text

    @property
    def name(self) -> str:
        return self.check.__name__

    def __call__(self, case: Any, user: Any) -> bool:
        return bool(self.check(case, user))


def guard(*, article: str, message: Text) -> Callable[[Callable[[Any, Any], bool]], Guard]:
    def declare(check: Callable[[Any, Any], bool]) -> Guard:
        return Guard(check=check, article=article, message=message)

    return declare


class NoInput(StrictSerializer):
    """This step takes no data."""


def permission_codename(kind: str, step: str) -> str:
    """The one spelling of a step's permission: ``complaint_resolve_informally``."""
    return f"{kind}_{step}"


def in_language(text: Text, language: str) -> str:
    with translation.override(language):
        return str(text)


@dataclass(frozen=True)
class Step:
    name: str
    label: Text
    roles: frozenset[Role]
    input: type[serializers.Serializer]
    conditions: tuple[Condition, ...]
    guard: Guard | None
    effect: Effect | None
    prepare: Prepare | None
    description: str
    line: int

    @property
    def slug(self) -> str:
        """The step in a URL (kebab-case, as the API Design Rules ask)."""
        return self.name.replace("_", "-")

    @property
    def takes_input(self) -> bool:
        return self.input is not NoInput

    def labels(self) -> dict[str, str]:
        return dict(self._labels)

    @cached_property
    def _labels(self) -> dict[str, str]:
        # Worked out once: switching the language per label took a fifth of the steps'
        # part of a case page, and the catalogs do not change while a process runs.
        return {code: in_language(self.label, code) for code, _name in settings.LANGUAGES}


def step(
    source: Any,
    target: Any,
    *,
    label: Text,
    roles: frozenset[Role],
    input: type[serializers.Serializer] = NoInput,
    conditions: tuple[Condition, ...] = (),
    guard: Guard | None = None,
    effect: Effect | None = None,
    prepare: Prepare | None = None,
) -> Callable[[Callable], Callable]:
    """Declare a workflow step on a proxy model's method (``target=None``: a self-loop).

    The method changes the row only; its docstring is the step's description.
    """

    def declare(method: Callable) -> Callable:
        spec = Step(
            name=method.__name__,
            label=label,
            roles=frozenset(roles),
            input=input,
            conditions=tuple(conditions),
            guard=guard,
            effect=effect,
            prepare=prepare,
            description=inspect.getdoc(method) or "",
            line=method.__code__.co_firstlineno,
        )

        def allowed(case: Any, user: Any) -> bool:
            codename = permission_codename(case.kind, spec.name)
            if not user.has_perm(f"{case._meta.app_label}.{codename}"):
                return False
            return spec.guard is None or spec.guard(case, user)

        return transition(
            field="status",
            source=source,
            target=target,
            conditions=list(conditions),
            permission=allowed,
            custom={"step": spec},
        )(method)

    return declare


@dataclass(frozen=True)
class Workflow:
    """One case kind's workflow: its proxy model, states and steps."""

    kind: str
    proxy: type[models.Model]
    states: type[models.TextChoices]
    final_states: frozenset[str]
    details: str  # the related name of the kind's own data ("complaint")
    collection: str  # the kind's path in the API ("complaints")
    title: Text
    # Rules about the person that hold for every step and every write on a case of this
    # kind (Awb 9:7: never the person complained about), whatever the role.
    guards: tuple[Guard, ...] = ()

    @cached_property
    def transitions(self) -> list[Transition]:
        field = self.proxy._meta.get_field("status")
        found = list(field.get_all_transitions(self.proxy))
        order = {state: index for index, state in enumerate(self.states.values)}
        return sorted(found, key=lambda t: (t.custom["step"].line, order[str(t.source)]))

    @cached_property
    def steps(self) -> dict[str, Step]:
        """Every step, in the order of declaration."""
        steps: dict[str, Step] = {}
        for each in self.transitions:
            steps.setdefault(each.name, each.custom["step"])
        return steps

    def permission(self, name: str) -> str:
        return f"{self.proxy._meta.app_label}.{permission_codename(self.kind, name)}"

    def sources(self, name: str) -> list[str]:
        return [str(t.source) for t in self.transitions if t.name == name]

    def targets(self, name: str, source: str | None = None) -> list[str]:
        """Where a step may lead (from ``source``, when given); a self-loop stays where it
        is, and a target chosen at run time (RETURN_VALUE) counts each state it may return."""
        found: list[str] = []
        for each in self.transitions:
            if each.name != name or (source is not None and str(each.source) != source):
                continue
            target = each.source if each.target is None else each.target
            for state in getattr(target, "allowed_states", None) or [target]:
                if str(state) not in found:
                    found.append(str(state))
        return found
