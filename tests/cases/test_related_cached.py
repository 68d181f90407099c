"""Rows kept in memory for ``instance.<relation>`` (``selectors.related_cached``) behave as
``prefetch_related`` leaves them: read without a statement, and a queryset chained on
them reads that instance's rows alone - the filter the related manager would apply."""

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Party, PartyRole
from cases.selectors import related_cached, related_in_memory
from tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases():
    first, second = CaseFactory(), CaseFactory()
    for case in (first, second):
        PartyFactory(case=case, role=PartyRole.FILER)
        PartyFactory(case=case, role=PartyRole.REPRESENTATIVE)
    return first, second


def test_kept_rows_are_read_without_a_statement(two_cases):
    first, _ = two_cases
    rows = list(Party.objects.filter(case=first).order_by("id"))
    case = Case.objects.get(pk=first.pk)
    related_cached(case, "parties", rows)
    with CaptureQueriesContext(connection) as queries:
        assert list(case.parties.all()) == rows
        assert case.parties.count() == 2
        assert related_in_memory(case, "parties") == rows
    assert len(queries) == 0


def test_a_chained_queryset_reads_only_this_cases_rows(two_cases):
    first, second = two_cases
    case = Case.objects.get(pk=first.pk)
    related_cached(case, "parties", list(first.parties.all()))
    filers = list(case.parties.filter(role=PartyRole.FILER))
    assert [party.case_id for party in filers] == [first.pk]
    with CaptureQueriesContext(connection) as queries:  # as the manager leaves them
        assert filers[0].case is case
    assert len(queries) == 0
    assert set(case.parties.all().values_list("case_id", flat=True)) == {first.pk}
    assert second.parties.count() == 2


def test_kept_as_prefetch_related_keeps_them(two_cases):
    first, _ = two_cases
    prefetched = Case.objects.prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("id"))
    ).get(pk=first.pk)
    kept = Case.objects.get(pk=first.pk)
    related_cached(kept, "parties", list(prefetched.parties.all()))
    assert set(kept._prefetched_objects_cache) == set(prefetched._prefetched_objects_cache)
    assert list(kept.parties.all()) == list(prefetched.parties.all())
    filers = PartyRole.FILER
    assert list(kept.parties.filter(role=filers)) == list(prefetched.parties.filter(role=filers))
