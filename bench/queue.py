"""Queue benchmark: p50/p95 per page through the real API stack, at N cases.

    python -m bench.queue --cases 100000 --repeat 50

Seeds up to N cases first (bench.seed), then requests queue pages as a team lead and as
a handler: first page, filtered pages, full-text search and a deep page reached by
following ``next`` links. Times include authentication, permissions, SQL and JSON.
"""

import argparse
import statistics
import time


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    from bench.setup import django_for_bench

    django_for_bench()
    from django.conf import settings
    from django.db import connection
    from rest_framework.test import APIClient

    from backend.accounts.models import User
    from backend.accounts.roles import Role
    from bench.seed import seed_cases
    from cases.models import Case
    from tests.factories import UserFactory

    settings.ALLOWED_HOSTS = ["*"]
    existing = Case.objects.count()
    if existing < args.cases:
        seconds = seed_cases(args.cases - existing)
        print(f"seeded {args.cases - existing:,} cases in {seconds:.1f} s")
    total = Case.objects.count()

    lead = User.objects.filter(username="bench-lead").first() or UserFactory(
        username="bench-lead", role=Role.TEAM_LEAD
    )
    lead.teams.set(User.objects.get(username="bench-handler-0").teams.all())
    handler = User.objects.get(username="bench-handler-0")
    team_code = handler.teams.first().code

    def client_for(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def deep_page_url(client: APIClient) -> str:
        """Page 21 by following ``next`` (the last page when there are fewer)."""
        url = "/api/v1/cases?pageSize=25"
        for _ in range(20):
            following = client.get(url).json()["next"]
            if following is None:
                break
            url = following
        return url

    lead_client, handler_client = client_for(lead), client_for(handler)
    scenarios = [
        ("first page (team lead, 25)", lead_client, "/api/v1/cases"),
        ("first page, 100 rows", lead_client, "/api/v1/cases?pageSize=100"),
        (f"team={team_code}", lead_client, f"/api/v1/cases?team={team_code}"),
        ("assignee=me (handler)", handler_client, "/api/v1/cases?assignee=me"),
        ("assignee=unassigned", lead_client, "/api/v1/cases?assignee=unassigned"),
        ("overdue=true", lead_client, "/api/v1/cases?overdue=true"),
        ("kind=objection&channel=post", lead_client, "/api/v1/cases?kind=objection&channel=post"),
        ("search q=lantaarnpaal", lead_client, "/api/v1/cases?q=lantaarnpaal"),
        ("page 21 (or last) via cursor", lead_client, deep_page_url(lead_client)),
    ]

    print(f"\nqueue pages at {total:,} cases ({connection.vendor}), {args.repeat} runs each")
    print(f"{'scenario':<34} {'p50 ms':>8} {'p95 ms':>8} {'rows':>5}")
    for name, client, url in scenarios:
        client.get(url)  # warm caches (permissions, plans)
        timings = []
        rows = 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content
            rows = len(response.json()["results"])
        print(
            f"{name:<34} {statistics.median(timings):>8.1f} "
            f"{_percentile(timings, 95):>8.1f} {rows:>5}"
        )


if __name__ == "__main__":
    main()
