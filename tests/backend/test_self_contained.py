"""`make run` and `make test` need nothing outside the repository: a clone elsewhere has
no ../shared beside it."""

from django.conf import settings

BUILD_FILES = [
    "Makefile",
    "package.json",
    ".ci/run",
    "pyproject.toml",
    "Dockerfile",
    "docker-compose.yml",
    "scripts/system-deps.sh",
]


def test_no_build_file_reads_outside_the_repository():
    for name in BUILD_FILES:
        path = settings.BASE_DIR / name
        if path.exists():
            assert "../shared" not in path.read_text(), name
    assert (settings.BASE_DIR / "standards" / "nlgov-adr-ruleset.yaml").exists()


def _tracked_files() -> list:
    import subprocess

    command = ["git", "ls-files"]  # the files a clone has
    listed = subprocess.run(  # noqa: S603
        command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return [settings.BASE_DIR / name for name in listed.stdout.splitlines()]


def test_no_file_points_outside_the_repository():
    """A clone has no ../shared beside it: no code, test or document relies on it."""
    this = "tests/backend/test_self_contained.py"
    offenders = []
    for path in _tracked_files():
        if not path.is_file() or path.suffix in {".png", ".pdf", ".mo", ".ttf", ".woff2"}:
            continue
        if str(path).endswith(this):
            continue
        text = path.read_text(errors="replace")
        for needle in ("../shared", "shared/docs", "shared/standards", "shared/seeds"):
            if needle in text:
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {needle}")
    # One data value in a migration names where the seeded days first came from; it must
    # stay as it was written to match the rows it updates.
    allowed = {"cases/migrations/0006_decree_days.py: shared/docs",
               "cases/migrations/0023_decree_day_sources.py: shared/docs"}  # fmt: skip
    assert sorted(set(offenders) - allowed) == []


def test_every_relative_link_in_the_docs_resolves():
    import re

    for document in ["README.md", *(str(p) for p in (settings.BASE_DIR / "docs").glob("*.md"))]:
        path = settings.BASE_DIR / document
        for target in re.findall(r"\]\(([^)#]+)", path.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (path.parent / target).exists(), f"{document}: {target}"
