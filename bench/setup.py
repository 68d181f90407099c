"""Point Django at a dedicated PostgreSQL benchmark database, create and migrate it."""

import os

import psycopg2
from psycopg2 import sql

BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "casehandling_bench")
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")


def django_for_bench() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.test_settings")
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    connection.close()

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
