"""Webhooks end to end on a real Celery worker and broker: a filing over the API reaches
a loopback receiver as a signed CloudEvent, with nothing but the worker in between
(the relay after commit, the fan-out, the subscription's delivery task)."""

import json

import pytest
from celery.contrib.testing.worker import start_worker
from rest_framework.test import APIClient

from backend.accounts.tokens import client_create, token_issue
from backend.celery import app
from backend.webhooks import signing
from backend.webhooks.models import WebhookDelivery
from tests.backend.webhook_receiver import receiver_start
from tests.cases.test_filing_api import complaint_body
from tests.conftest import roles_create, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def test_a_filing_reaches_the_receiver_through_the_worker():
    roles_create()
    receiver, server = receiver_start()
    try:
        client = client_create(
            name="Dashboard", organisation="Gemeente", contact_email="d@gemeente.example"
        )
        _, key = token_issue(client=client, scopes=["events:subscribe", "complaints:create"])
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        secret = api.post(
            "/api/v1/subscriptions", {"url": receiver.url, "topics": ["case.filed"]}, format="json"
        ).json()["secret"]
        app.control.purge()
        with start_worker(
            app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
        ):
            reference = api.post("/api/v1/complaints", complaint_body(), format="json").json()[
                "reference"
            ]
            assert wait_until(
                lambda: WebhookDelivery.objects.filter(state="done").exists(), timeout=60
            )
        arrived = receiver.received[-1]
        assert signing.verify(secret, arrived.headers, arrived.body)
        assert json.loads(arrived.body)["subject"] == reference
        assert len(receiver.received) == 2  # the test event, then the filing: once
    finally:
        server.shutdown()
        server.server_close()
