"""Reads pip-audit's JSON report and says what it found: known vulnerabilities (exit 1),
nothing known (exit 0), or that nothing could be looked up (exit 3, "NOT AUDITED") - a
report in which no package was checked must never read as "no known vulnerabilities"."""

import json
import sys
from typing import Any


def summarize(report: dict[str, Any]) -> tuple[int, str]:
    dependencies = report.get("dependencies", [])
    found = [
        f"  {each['name']} {each['version']}: {vuln['id']}"
        for each in dependencies
        for vuln in each.get("vulns", [])
    ]
    checked = [each for each in dependencies if "skip_reason" not in each]
    skipped = [each["name"] for each in dependencies if "skip_reason" in each]
    if found:
        return 1, "\n".join([f"Python dependencies: {len(found)} known vulnerabilities:", *found])
    if not checked:
        return 3, "Python dependencies: NOT AUDITED - the service answered for no package."
    note = f" ({len(skipped)} not checked: {', '.join(skipped)})" if skipped else ""
    return 0, (
        f"Python dependencies: {len(checked)} audited, no known vulnerabilities outside the "
        f"allow-list{note}."
    )


if __name__ == "__main__":
    with open(sys.argv[1]) as report:
        code, message = summarize(json.load(report))
    print(message)
    sys.exit(code)
