"""make audit never says "no known vulnerabilities" when it could not look."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("audit_report", ROOT / "scripts" / "audit_report.py")
audit_report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_report)


def test_known_vulnerabilities_fail_the_audit():
    code, message = audit_report.summarize(
        {"dependencies": [{"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1"}]}]}
    )
    assert code == 1
    assert "django 5.2.0: PYSEC-1" in message


def test_a_report_that_checked_nothing_is_not_an_audit():
    code, message = audit_report.summarize(
        {"dependencies": [{"name": "django", "version": "5.2.0", "skip_reason": "unreachable"}]}
    )
    assert code == 3
    assert "NOT AUDITED" in message
    assert "no known" not in message


def test_a_clean_report_says_how_much_it_checked():
    code, message = audit_report.summarize(
        {"dependencies": [{"name": "django", "version": "5.2.0", "vulns": []}]}
    )
    assert (code, message.split(":")[0]) == (0, "Python dependencies")
    assert "1 audited" in message
