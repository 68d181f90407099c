from rest_framework.throttling import AnonRateThrottle


class AnonFilingThrottle(AnonRateThrottle):
    """Limits anonymous filings per client address; signed-in callers are not limited."""

    scope = "anon-filing"
