"""Triggers that reject UPDATE and DELETE on the ledger's events, on PostgreSQL and on SQLite.

The model and its queryset already refuse both; the triggers also stop raw SQL, a database shell or
another program. TRUNCATE is left to privileges (run veille with a role that does not own the
table in production): it is what Django's test runner uses to empty tables between tests.
"""

from django.db import migrations

MESSAGE = (
    "ledger events are append-only: {op} refused on ledger_ledgerevent (record a reversal and a new event)"
)

POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION ledger_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'ledger events are append-only: % refused on ledger_ledgerevent '
                        '(record a reversal and a new event)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$;
    """,
    """
    CREATE TRIGGER ledger_event_no_update_delete BEFORE UPDATE OR DELETE ON ledger_ledgerevent
    FOR EACH ROW EXECUTE FUNCTION ledger_event_append_only();
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_event_no_update_delete ON ledger_ledgerevent;",
    "DROP FUNCTION IF EXISTS ledger_event_append_only();",
]
SQLITE_UP = [
    f"""
    CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_ledgerevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(op="UPDATE")}'); END;
    """,
    f"""
    CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_ledgerevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(op="DELETE")}'); END;
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_event_no_update;",
    "DROP TRIGGER IF EXISTS ledger_event_no_delete;",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(
                f"the ledger's append-only triggers exist for PostgreSQL and SQLite, not {vendor}"
            )
        # A plain cursor: the SQL holds '%' signs that must not be read as parameters.
        with schema_editor.connection.cursor() as cursor:
            for sql in statements[vendor]:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
            elidable=False,
        ),
    ]
