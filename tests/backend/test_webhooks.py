"""Webhooks: subscriptions by integration clients, events as signed CloudEvents (NL GOV)
to a real loopback receiver, retries, order per case, 410, dead letters and replay."""

import datetime
import json
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from backend.accounts.tokens import client_create, token_issue
from backend.outbox.models import OutboxDelivery
from backend.outbox.services import outbox_publish
from backend.webhooks import signing
from backend.webhooks.delivery import webhooks_deliver_pending
from backend.webhooks.models import Subscription, WebhookDelivery
from backend.webhooks.services import webhook_deliveries_replay
from cases.models import Case
from cases.workflows import service as workflow
from tests.backend.webhook_receiver import receiver_start
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.outbox import relay_all

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 4, 1, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture
def receiver():
    found, server = receiver_start()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def client_account(db):
    return client_create(
        name="Zaaksysteem",
        organisation="Gemeente Voorbeeld",
        contact_email="koppelingen@gemeente.example",
        requests_per_minute=10_000,
    )


@pytest.fixture
def api(client_account):
    def make(scopes=("events:subscribe", "complaints:create", "objections:create")):
        _, key = token_issue(client=client_account, scopes=list(scopes))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
        return client

    return make


def subscribe(api_client, url, **filters):
    return api_client.post("/api/v1/subscriptions", {"url": url, **filters}, format="json")


def deliver(subscription) -> None:
    """The worker's part: the relay fans events out, the subscription's task sends."""
    relay_all("webhooks")
    webhooks_deliver_pending(subscription.pk)


def events_received(receiver) -> list[dict]:
    """The events the receiver accepted (2xx), test events left out, in arrival order."""
    return [
        json.loads(each.body)
        for each in receiver.received
        if 200 <= each.status < 300
        and not json.loads(each.body)["type"].endswith(".subscription.test.v1")
    ]


class TestSubscribing:
    def test_a_receiver_that_accepts_the_signed_test_event_is_subscribed(self, api, receiver):
        response = subscribe(api(), receiver.url, topics=["case.filed"])

        assert response.status_code == 201, response.content
        body = response.json()
        assert body["secret"].startswith("whsec_")
        assert body["topics"] == ["case.filed"]
        assert response["Location"].endswith(f"/subscriptions/{body['id']}")
        (test,) = receiver.received
        assert signing.verify(body["secret"], test.headers, test.body)
        assert json.loads(test.body)["type"] == "nl.gemeente.klachten-bezwaren.subscription.test.v1"
        # The secret is shown once: not in the list nor the subscription itself.
        mine = api().get("/api/v1/subscriptions").json()["results"]
        assert [each["id"] for each in mine] == [body["id"]]
        assert "secret" not in mine[0]
        assert "secret" not in api().get(f"/api/v1/subscriptions/{body['id']}").json()

    def test_a_receiver_that_refuses_the_test_event_is_not_subscribed(self, api, receiver):
        receiver.status = 500
        response = subscribe(api(), receiver.url)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert "500" in json.dumps(response.json())
        assert not Subscription.objects.exists()

    def test_an_unreachable_receiver_or_an_unknown_type_is_refused(self, api):
        assert subscribe(api(), "http://127.0.0.1:9/nothing").status_code == 400
        assert subscribe(api(), "http://127.0.0.1:9/x", topics=["case.eaten"]).status_code == 400
        assert (
            subscribe(api(), "http://127.0.0.1:9/x", topics=["letter.requested"]).status_code == 400
        )

    def test_production_takes_only_https_to_public_addresses(self, api, settings):
        settings.WEBHOOK_ALLOW_INSECURE = False
        for url in ("http://example.org/hooks", "https://127.0.0.1/hooks", "https://10.0.0.8/x"):
            response = subscribe(api(), url)
            assert response.status_code == 400, url
            assert response.json()["invalidParams"][0]["name"] == "url"

    def test_only_a_client_with_the_scope_subscribes(self, api, receiver, users, client_for):
        assert subscribe(api(["complaints:create"]), receiver.url).status_code == 403
        staff = client_for(users[Role.CASE_HANDLER])
        assert subscribe(staff, receiver.url).status_code == 403
        assert not receiver.received

    def test_a_client_sees_and_ends_only_its_own(self, api, receiver):
        mine = subscribe(api(), receiver.url).json()["id"]
        other = client_create(name="Ander", organisation="Elders", contact_email="a@elders.example")
        _, key = token_issue(client=other, scopes=["events:subscribe"])
        theirs = APIClient()
        theirs.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert theirs.get(f"/api/v1/subscriptions/{mine}").status_code == 404
        assert theirs.delete(f"/api/v1/subscriptions/{mine}").status_code == 404

        assert api().delete(f"/api/v1/subscriptions/{mine}").status_code == 204
        ended = Subscription.objects.get(pk=mine)
        assert (ended.is_active, ended.ended_reason) == (False, "cancelled by the client")


class TestDelivery:
    @pytest.fixture
    def subscribed(self, api, receiver):
        def make(**filters):
            response = subscribe(api(), receiver.url, **filters)
            assert response.status_code == 201, response.content
            receiver.received.clear()
            return Subscription.objects.get(pk=response.json()["id"]), response.json()["secret"]

        return make

    def test_a_filing_arrives_as_a_signed_cloudevent_without_personal_data(
        self, api, receiver, subscribed, settings
    ):
        settings.PUBLIC_BASE_URL = "https://klachten.gemeente.example"
        subscription, secret = subscribed()
        body = complaint_body()
        reference = api().post("/api/v1/complaints", body, format="json").json()["reference"]

        deliver(subscription)

        (arrived,) = receiver.received
        assert arrived.headers["content-type"] == "application/cloudevents+json; charset=utf-8"
        assert signing.verify(secret, arrived.headers, arrived.body)
        event = json.loads(arrived.body)
        assert event["specversion"] == "1.0"
        assert event["type"] == "nl.gemeente.klachten-bezwaren.case.filed.v1"
        assert re.fullmatch(r"urn:nld:oin:\d{20}:systeem:klachten-bezwaren", event["source"])
        assert event["subject"] == reference
        assert event["dataref"] == f"https://klachten.gemeente.example/api/v1/cases/{reference}"
        assert event["datacontenttype"] == "application/json"
        assert event["id"] == arrived.headers["webhook-id"]
        assert event["data"]["kind"] == "complaint"
        party = body["parties"][0]
        for personal in (party["name"], party["email"], party["phone"], body["subject"]):
            assert personal not in arrived.body.decode()
        assert WebhookDelivery.objects.get().state == "done"

    def test_filters_by_type_and_kind(self, api, receiver, subscribed):
        subscription, _ = subscribed(topics=["case.filed"], kinds=["objection"])
        api().post("/api/v1/complaints", complaint_body(), format="json")
        api().post("/api/v1/objections", objection_body(), format="json")

        deliver(subscription)

        assert [e["data"]["kind"] for e in events_received(receiver)] == ["objection"]

    def test_a_failing_receiver_is_retried_with_growing_waits_with_the_same_id(
        self, api, receiver, subscribed, time_machine
    ):
        time_machine.move_to(START, tick=False)
        subscription, secret = subscribed()
        receiver.fail_first = 2
        api().post("/api/v1/complaints", complaint_body(), format="json")

        deliver(subscription)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
        assert delivery.next_attempt_at == START + datetime.timedelta(minutes=1)
        assert webhooks_deliver_pending(subscription.pk).delivered == 0  # not due yet

        time_machine.move_to(START + datetime.timedelta(minutes=1), tick=False)
        webhooks_deliver_pending(subscription.pk)
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == START + datetime.timedelta(minutes=3)

        time_machine.move_to(START + datetime.timedelta(minutes=3), tick=False)
        assert webhooks_deliver_pending(subscription.pk).delivered == 1
        ids = {each.headers["webhook-id"] for each in receiver.received}
        assert len(receiver.received) == 3
        assert len(ids) == 1  # one event: the receiver deduplicates on its id
        assert all(
            signing.verify(secret, e.headers, e.body, now=e_time(e)) for e in receiver.received
        )

    def test_a_case_waits_for_its_earlier_event_other_cases_do_not(
        self, api, receiver, subscribed, users, time_machine
    ):
        time_machine.move_to(START, tick=False)
        subscription, _ = subscribed(topics=["case.filed", "case.step_taken"])
        first = api().post("/api/v1/complaints", complaint_body(), format="json").json()
        case = Case.objects.get(reference=first["reference"])
        relay_all("webhooks")
        receiver.fail_first = 1  # the filing of the first case fails once
        webhooks_deliver_pending(subscription.pk)

        workflow.case_transition(
            case=case, name="confirm_receipt", data={}, by=users[Role.CASE_HANDLER]
        )
        second = api().post("/api/v1/complaints", complaint_body(), format="json").json()
        deliver(subscription)

        # The second case's filing went out; the first case's step waits for its filing.
        sent = [(e["subject"], e["type"].split(".")[-3:-1]) for e in events_received(receiver)]
        assert sent == [(second["reference"], ["case", "filed"])]

        time_machine.move_to(START + datetime.timedelta(minutes=1), tick=False)
        webhooks_deliver_pending(subscription.pk)
        sent = [(e["subject"], e["type"].split(".")[-2]) for e in events_received(receiver)]
        assert sent[1:] == [(first["reference"], "filed"), (first["reference"], "step_taken")]

    def test_a_receiver_that_is_gone_ends_the_subscription(self, api, receiver, subscribed):
        subscription, _ = subscribed()
        receiver.status = 410
        api().post("/api/v1/complaints", complaint_body(), format="json")
        api().post("/api/v1/complaints", complaint_body(), format="json")

        deliver(subscription)

        subscription.refresh_from_db()
        assert (subscription.is_active, subscription.ended_reason) == (
            False,
            "the receiver answered 410 Gone",
        )
        assert len(receiver.received) == 1  # nothing more was sent
        assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"dead"}

    def test_after_a_day_of_failures_a_delivery_is_dead_and_can_be_replayed(
        self, api, receiver, subscribed, time_machine
    ):
        time_machine.move_to(START, tick=False)
        subscription, _ = subscribed()
        receiver.status = 503
        api().post("/api/v1/complaints", complaint_body(), format="json")
        relay_all("webhooks")
        moments = 0
        while WebhookDelivery.objects.get().state == "pending":
            time_machine.move_to(WebhookDelivery.objects.get().next_attempt_at, tick=False)
            webhooks_deliver_pending(subscription.pk)
            moments += 1
        dead = WebhookDelivery.objects.get()
        assert dead.state == "dead"
        last_try = timezone.now()
        assert (
            START + datetime.timedelta(hours=12) < last_try <= START + datetime.timedelta(hours=24)
        )
        assert 10 <= dead.attempts <= 15, dead.attempts

        receiver.status = 200
        assert webhook_deliveries_replay([dead]) == 1
        assert webhooks_deliver_pending(subscription.pk).delivered == 1
        assert WebhookDelivery.objects.get().state == "done"

    def test_a_slow_receiver_times_out_and_is_retried(self, api, receiver, subscribed, settings):
        subscription, _ = subscribed()
        settings.WEBHOOK_READ_TIMEOUT = 0.3
        receiver.delay = 1.0
        api().post("/api/v1/complaints", complaint_body(), format="json")

        deliver(subscription)

        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.last_error) == ("pending", "ReadTimeout")

    def test_internal_events_are_never_sent(self, receiver, subscribed):
        subscription, _ = subscribed()
        outbox_publish(topic="letter.requested", payload={}, dedup_key="internal")
        deliver(subscription)
        assert not WebhookDelivery.objects.exists()
        assert receiver.received == []


def e_time(received) -> int:
    return int(received.headers["webhook-timestamp"])


class TestSignatures:
    SECRET = "whsec_test"

    def test_a_signature_verifies_for_its_body_and_time_only(self):
        body = b'{"a": 1}'
        headers = signing.headers(self.SECRET, "id-1", body, now=1_000_000)
        assert signing.verify(self.SECRET, headers, body, now=1_000_100)
        assert not signing.verify(self.SECRET, headers, b'{"a": 2}', now=1_000_100)
        assert not signing.verify("whsec_other", headers, body, now=1_000_100)
        # Replayed later than the window: refused, though the signature is right.
        assert not signing.verify(
            self.SECRET, headers, body, now=1_000_000 + signing.REPLAY_WINDOW_SECONDS + 1
        )
        assert not signing.verify(self.SECRET, {**headers, "webhook-id": "id-2"}, body, 1_000_000)

    def test_any_of_several_signatures_will_do(self):
        body = b"{}"
        old = signing.headers("whsec_old", "id", body, now=5)
        new = signing.headers(self.SECRET, "id", body, now=5)
        both = {
            **new,
            "webhook-signature": f"{old['webhook-signature']} {new['webhook-signature']}",
        }
        assert signing.verify(self.SECRET, both, body, now=5)


def test_no_delivery_row_is_written_for_a_topic_nobody_subscribed_to(api, receiver):
    def webhook_rows() -> int:
        return OutboxDelivery.objects.filter(consumer="webhooks").count()

    api().post("/api/v1/complaints", complaint_body(), format="json")
    assert webhook_rows() == 0  # nobody listens: the filing writes no delivery for it
    assert subscribe(api(), receiver.url, topics=["case.step_taken"]).status_code == 201
    api().post("/api/v1/complaints", complaint_body(), format="json")
    assert webhook_rows() == 0  # a topic nobody wants
    assert subscribe(api(), receiver.url, topics=["case.filed"]).status_code == 201
    api().post("/api/v1/complaints", complaint_body(), format="json")
    assert webhook_rows() == 1
