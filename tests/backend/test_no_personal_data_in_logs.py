"""No personal data in logs (AVG): not on success, not on bad input, not on a defect."""

import logging

import pytest

from tests.cases.test_filing_api import complaint_body

pytestmark = pytest.mark.django_db

PERSONAL = ["Fatima", "Amrani", "612345678", "fatima@example.nl", "Grote Markt", "Slechtziend"]


def test_filing_logs_no_personal_data(anon, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    anon.post("/api/v1/complaints", complaint_body())
    bad = complaint_body()
    bad["parties"][0]["phone"] = "06 1234"
    anon.post("/api/v1/complaints", bad)
    anon.get("/api/v1/cases?q=Amrani")

    from cases import services

    def explode(**kwargs):
        # Like a database error that quotes the values it rejected.
        filer = kwargs["case"].parties.get()
        raise RuntimeError(f"value {filer.name}, {filer.phone} rejected")

    monkeypatch.setattr(services, "attachments_store", explode)
    assert anon.post("/api/v1/complaints", complaint_body()).status_code == 500

    assert "RuntimeError" in caplog.text  # the defect is logged ...
    for value in PERSONAL:  # ... without the data it carried
        assert value not in caplog.text
