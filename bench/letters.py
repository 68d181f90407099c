"""Letters benchmark: N letters through the pipeline against bare WeasyPrint, same run.

    python -m bench.letters --letters 1000

Files N complaints (filer with a postal address, running terms) through the filing
service and requests a receipt letter for each, as the workflow does (outbox rows). Then,
in this one process, which plays the worker:

1. bare: WeasyPrint renders the very same HTML (templated beforehand, not timed) to
   PDF/A-3a with the same options;
2. pipeline: ``letters_render_pending``, the body of the worker's task: lock a request,
   read the case, template, lay out, write the PDF, hash, store the file, record the
   letter and its delivery, mark the request done.

3. bare again, but reusing one font configuration as the pipeline does (WeasyPrint
   builds a new one per document by default) - the fair floor.

Then the day's print batch of all those letters (one merged PDF and the list) is timed.

Prints letters per second for each, the ratios (goal: the pipeline at >= 90 % of bare)
and the process's resident memory (RSS) before, after each quarter and after.
"""

import argparse
import gc
import shutil
import tempfile
import time
from pathlib import Path


def rss_mib() -> float:
    """Resident memory of this process now (VmRSS), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def file_complaints(count: int) -> list:
    from django.db import transaction

    from cases.models import CaseKind, Channel
    from cases.services import Filing, case_file

    cases = []
    for number in range(count):
        filing = Filing(
            kind=CaseKind.COMPLAINT,
            subject="Container niet geleegd",
            description=f"De container in de straat is al drie weken niet geleegd ({number}).",
            channel=Channel.WEB,
            parties=[
                {
                    "role": "filer",
                    "party_type": "person",
                    "name": f"Bewoner {number}",
                    "street": "Grote Markt",
                    "house_number": str(1 + number % 90),
                    "postal_code": "8011 LW",
                    "city": "Zwolle",
                    "phone": "+31612345678",
                    "preferred_channel": "phone",
                }
            ],
        )
        with transaction.atomic():
            cases.append(case_file(filing=filing, by=None))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=1000)
    args = parser.parse_args()

    from bench.setup import django_for_bench

    django_for_bench()
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation

    media = tempfile.mkdtemp(prefix="bench-letters-")
    settings.MEDIA_ROOT = media
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from backend.outbox.models import OutboxDelivery, OutboxMessage
    from letters import services
    from letters.context import letter_context
    from letters.delivery import print_batch_create
    from letters.models import DeliveryState, Letter, LetterDelivery
    from letters.rendering import PDF_VARIANT, inline_only_fetcher, render

    kind = "complaint_receipt"
    # Earlier runs' letters (their files are gone) stay out of this run's print batch.
    LetterDelivery.objects.filter(state=DeliveryState.QUEUED).update(state=DeliveryState.CANCELLED)
    started = time.perf_counter()
    cases = file_complaints(args.letters)
    print(f"filed {len(cases):,} complaints in {time.perf_counter() - started:.1f} s")
    run = time.time_ns()
    # Requests as the workflow writes them; created directly so nothing is enqueued on
    # the broker while we measure in-process.
    requests = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            topic=services.LETTER_TOPIC,
            payload={"case": case.reference, "letter": kind},
            dedup_key=f"bench-{run}:{case.reference}:{kind}",
            case=case,
        )
        for case in cases
    )
    OutboxDelivery.objects.bulk_create(
        OutboxDelivery(message=request, consumer=services.LETTERS_CONSUMER) for request in requests
    )

    # The same HTML the pipeline will make, templated now so the bare run times WeasyPrint.
    htmls = []
    for case in cases:
        with translation.override("nl"):
            htmls.append(
                render_to_string(f"letters/nl/{kind}.html", letter_context(case, kind, "nl"))
            )
    render(kind, "nl", letter_context(cases[0], kind, "nl"))  # load fonts once, for both
    gc.collect()

    # The pipeline first, on a fresh heap, so its memory readings are its own.
    rss_start = rss_mib()
    quarters = []
    started = time.perf_counter()
    made = 0
    while made < args.letters and len(quarters) < 8:
        made += services.letters_render_pending(limit=max(1, args.letters // 4))
        quarters.append(f"{rss_mib():.0f}")
    pipeline_seconds = time.perf_counter() - started
    rss_end = rss_mib()
    stored = Letter.objects.filter(source_key__startswith=f"bench-{run}:").count()

    def bare(font_config: FontConfiguration | None) -> float:
        started = time.perf_counter()
        for html in htmls:
            document = weasyprint.HTML(string=html, url_fetcher=inline_only_fetcher()).render(
                font_config=font_config
            )
            document.write_pdf(pdf_variant=PDF_VARIANT)
        return time.perf_counter() - started

    # Bare as WeasyPrint does by default (a new font configuration per document), then
    # reusing one as the pipeline does: the fair floor.
    rss_before_bare = rss_mib()
    bare_seconds = bare(None)
    rss_after_bare = rss_mib()
    shared_seconds = bare(FontConfiguration())

    # A batch takes the letters dated today; the bench runs at any hour, so its letters
    # (dated on their dispatch day, maybe tomorrow) are dated today for the measurement.
    # Letters are append-only in the database (backend/append_only.py): the benchmark's
    # own are re-dated with the triggers off for this one transaction (superuser, as the
    # benchmark connects locally).
    from django.db import connection, transaction
    from django.utils import timezone

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        Letter.objects.filter(source_key__startswith=f"bench-{run}:").update(
            dated_on=timezone.localdate()
        )
    started = time.perf_counter()
    batch = print_batch_create()
    batch_seconds = time.perf_counter() - started

    bare_rate = args.letters / bare_seconds
    pipeline_rate = stored / pipeline_seconds
    print(f"bare WeasyPrint: {args.letters:,} letters in {bare_seconds:.1f} s = {bare_rate:.1f}/s")
    print(
        f"pipeline:        {stored:,} letters in {pipeline_seconds:.1f} s = {pipeline_rate:.1f}/s"
    )
    shared_rate = args.letters / shared_seconds
    print(f"bare, one font configuration: {shared_rate:.1f}/s")
    print(f"pipeline / bare: {pipeline_rate / bare_rate:.1%} (goal >= 90 %)")
    print(f"pipeline / bare with one font configuration: {pipeline_rate / shared_rate:.1%}")
    print(
        f"pipeline RSS MiB: before {rss_start:.0f}, by quarter {' / '.join(quarters)}, "
        f"after {rss_end:.0f}"
    )
    print(f"bare (default) RSS MiB: before {rss_before_bare:.0f}, after {rss_after_bare:.0f}")
    print(
        f"print batch: {batch.letters:,} letters, {batch.pages:,} pages merged "
        f"with the list in {batch_seconds:.1f} s"
    )
    shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
