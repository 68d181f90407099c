"""Which code may import which: the platform knows no app, letters do not call into the
case services (they tell the case file by an event). Read from the source, function-local
imports included, so a rule cannot be dodged by importing late."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cases", "letters", "subject_rights", "tracking", "workbench")
# The composition root: the settings list the installed apps, the URLconf mounts theirs.
PLATFORM_WIRING = {"backend/settings.py", "backend/test_settings.py", "backend/urls.py"}
# What changes a case's state: only the cases app itself calls these.
CASE_SERVICES = (
    "cases.services",
    "cases.workflows.service",
    "cases.workflows.effects",
    "cases.workflows.complaint_effects",
    "cases.workflows.objection_effects",
    "cases.penalties",
    "cases.sweep",
    "cases.tasks",
    "cases.consumers",
)


def sources(package: str) -> Iterator[Path]:
    yield from sorted((ROOT / package).rglob("*.py"))


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """Every module an ``import`` or ``from ... import`` in the file names, with its line;
    ``from package import module`` also as ``package.module``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def test_the_platform_imports_no_app():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sources("backend")
        if str(path.relative_to(ROOT)) not in PLATFORM_WIRING
        for line, module in imported(path)
        if within(module, APPS)
    ]
    assert found == []


def test_the_platform_names_no_app_model():
    """Not by a string either (a foreign key "cases.Case", ``apps.get_model("letters",
    ...)``): what it needs of an app comes from a setting or a registration."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
        for path in sources("backend")
        if str(path.relative_to(ROOT)) not in PLATFORM_WIRING
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (node.value in APPS or within(node.value.lower(), APPS))
    ]
    assert found == []


def test_letters_do_not_call_the_case_services():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sources("letters")
        for line, module in imported(path)
        if within(module, CASE_SERVICES)
    ]
    assert found == []


def test_the_rules_see_what_they_forbid(tmp_path):
    """The reader finds late and aliased imports (the test above cannot pass vacuously)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import cases.services as s\n"
        "def late():\n"
        "    from cases import penalties\n"
        "    from cases.workflows.service import case_transition\n"
    )
    modules = {module for _, module in imported(sample)}
    assert within("cases.services", CASE_SERVICES)
    assert {"cases.services", "cases.penalties", "cases.workflows.service"} <= modules
