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
