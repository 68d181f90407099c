"""Outbox relay benchmark: events per second handed to a consumer, against a bare floor.

    python -m bench.relay --events 20000 --workers 1 2 --webhooks 2000

Seeds ``--events`` events with one pending delivery each for a consumer that does
nothing (registered here), then drains them with ``backend.outbox.relay.outbox_relay``
in 1..N threads, each with its own connection (as Celery workers would). The floor, in
the same run on the same table shape: a bare psycopg2 loop doing the least the pattern
needs per batch of the consumer's size - ``SELECT ... LIMIT n FOR UPDATE SKIP LOCKED``,
one ``UPDATE``, ``COMMIT`` - with no ORM, no savepoint per event, no registry. The ratio
says what the relay's bookkeeping costs; the consumers' own work (rendering a letter, an
HTTP call) comes on top.

``--webhooks N`` then measures webhooks end to end: N public events relayed to the
webhooks consumer (fan-out to one subscription) and delivered as signed CloudEvents to a
loopback HTTP receiver, against a floor of bare ``requests.post`` calls of the same
bodies to the same receiver (no database).
"""

import argparse
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.setup import BENCH_DATABASE, SERVER, django_for_bench

CONSUMER = "bench-noop"
TOPIC = "bench.relay"


def _seed(events: int) -> None:
    from django.db import connection, transaction

    from backend.outbox.models import OutboxDelivery, OutboxMessage

    run = time.time_ns()
    with transaction.atomic():
        OutboxDelivery.objects.filter(consumer=CONSUMER).delete()
        messages = OutboxMessage.objects.bulk_create(
            (
                OutboxMessage(topic=TOPIC, payload={"n": i}, dedup_key=f"bench-{run}-{i}")
                for i in range(events)
            ),
            batch_size=5000,
        )
        OutboxDelivery.objects.bulk_create(
            (OutboxDelivery(message=message, consumer=CONSUMER) for message in messages),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE outbox_outboxdelivery")


def _relay_drain(workers: int) -> float:
    from django.db import connection

    from backend.outbox.relay import outbox_relay

    def worker() -> int:
        handled = 0
        try:
            while run := outbox_relay(CONSUMER, limit=500).handled:
                handled += run
        finally:
            connection.close()
        return handled

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        handled = sum(pool.map(lambda _: worker(), range(workers)))
    return handled / (time.perf_counter() - started)


def _floor_drain(workers: int, batch: int) -> float:
    """The bare loop: lock the next pending rows, mark them done, commit."""
    import psycopg2

    dsn = f"{SERVER}/{BENCH_DATABASE}"
    counts: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        db = psycopg2.connect(dsn)
        handled = 0
        with db.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT id FROM outbox_outboxdelivery WHERE consumer = %s AND "
                    "state = 'pending' ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                    [CONSUMER, batch],
                )
                ids = [row[0] for row in cursor.fetchall()]
                if not ids:
                    db.commit()
                    break
                cursor.execute(
                    "UPDATE outbox_outboxdelivery SET state = 'done', done_at = now() "
                    "WHERE id = ANY(%s)",
                    [ids],
                )
                db.commit()
                handled += len(ids)
        db.close()
        with lock:
            counts.append(handled)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=2, help="alternating relay/floor runs")
    parser.add_argument("--webhooks", type=int, default=0, help="events through webhooks")
    args = parser.parse_args()
    django_for_bench()

    from backend.outbox.consumers import Consumer, consumer_register

    consumer = Consumer(name=CONSUMER, topics=frozenset({TOPIC}), handle=lambda m: None)
    consumer_register(consumer)
    print(f"outbox relay, {args.events:,} events a run, database {BENCH_DATABASE}")
    print("| workers | relay events/s | floor events/s | relay / floor |")
    print("|---|---|---|---|")
    for workers in args.workers:
        relay, floor = [], []
        for _ in range(args.rounds):  # alternating: drift on a shared machine hits both
            _seed(args.events)
            relay.append(_relay_drain(workers))
            _seed(args.events)
            floor.append(_floor_drain(workers, consumer.batch))
        r, f = statistics.median(relay), statistics.median(floor)
        print(f"| {workers} | {r:,.0f} | {f:,.0f} | {r / f:.0%} |")
    print(f"(pid {os.getpid()}; medians of {args.rounds} alternating rounds)")
    if args.webhooks:
        _webhooks(args.webhooks)


def _webhooks(events: int) -> None:
    """Relay + fan-out + signed delivery to a loopback receiver, against bare POSTs."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import requests
    from django.db import transaction

    from backend.accounts.models import IntegrationClient
    from backend.accounts.tokens import client_create
    from backend.outbox.models import OutboxMessage
    from backend.outbox.relay import outbox_relay
    from backend.outbox.services import outbox_publish_new
    from backend.webhooks.catalogue import EventType, event_types_register
    from backend.webhooks.delivery import webhooks_deliver_pending
    from backend.webhooks.models import Subscription

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    topic = "bench.public"
    event_types_register(
        EventType(topic, "bench", subject=lambda m: "bench", dataref=lambda m: "/api/v1/health")
    )
    Subscription.objects.filter(client__name="bench-webhooks").delete()
    client = IntegrationClient.objects.filter(name="bench-webhooks").first() or client_create(
        name="bench-webhooks", organisation="bench", contact_email="bench@example.org"
    )
    subscription = Subscription.objects.create(client=client, url=url, topics=[topic])
    run = time.time_ns()
    with transaction.atomic():
        outbox_publish_new(
            [
                OutboxMessage(topic=topic, payload={"n": i}, dedup_key=f"wh-{run}-{i}")
                for i in range(events)
            ]
        )
    started = time.perf_counter()
    while outbox_relay("webhooks", limit=1000).attempted:
        pass
    fanned = time.perf_counter() - started
    started = time.perf_counter()
    delivered = 0
    while done := webhooks_deliver_pending(subscription.pk, limit=1000).delivered:
        delivered += done
    sending = time.perf_counter() - started
    body = json.dumps({"specversion": "1.0", "data": {"n": 1}}).encode()
    started = time.perf_counter()
    with requests.Session() as session:
        for _ in range(events):
            session.post(url, data=body, timeout=(3, 10)).close()
    floor = events / (time.perf_counter() - started)
    server.shutdown()
    rate = delivered / (fanned + sending)
    print(f"webhooks, {events:,} events to one loopback receiver, one worker")
    print(
        "| relay + fan-out events/s | delivery events/s | end to end events/s | bare POST/s "
        "| end to end / bare |"
    )
    print("|---|---|---|---|---|")
    print(
        f"| {events / fanned:,.0f} | {delivered / sending:,.0f} | {rate:,.0f} | {floor:,.0f} "
        f"| {rate / floor:.0%} |"
    )


if __name__ == "__main__":
    main()
