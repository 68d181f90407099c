"""The vendored front-end files: every NL Design System component a template uses is in
the vendored bundle, and the files the pages load are there and served."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "workbench" / "templates"
SCRIPT = ROOT / "scripts" / "vendor-assets.sh"


def _used_components() -> set[str]:
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        for classes in re.findall(r'class="([^"]*)"', template.read_text()):
            for name in classes.split():
                if name.startswith("utrecht-") and name != "utrecht-theme":
                    used.add(re.split(r"__|--|\{", name.removeprefix("utrecht-"))[0])
    return used


def _vendored_components() -> set[str]:
    block = re.search(r"components=\(\n(.*?)\n\)", SCRIPT.read_text(), re.S).group(1)
    return set(block.split())


def test_every_component_a_template_uses_is_vendored():
    assert _used_components() - _vendored_components() == set()


def test_no_component_is_vendored_that_no_template_uses():
    assert _vendored_components() - _used_components() == set()


@pytest.mark.parametrize(
    "path",
    [
        "/static/workbench/vendor/htmx.min.js",
        "/static/workbench/vendor/utrecht-components.css",
        "/static/workbench/vendor/theme.css",
        "/static/workbench/workbench.css",
        "/static/workbench/workbench.js",
    ],
)
def test_the_pages_files_are_served(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])
