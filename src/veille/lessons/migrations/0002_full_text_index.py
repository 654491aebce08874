"""The full-text index of the lessons' search documents, in each database's own form.

* PostgreSQL: a generated ``tsvector`` column (English configuration; titles weigh more than bodies)
  with a GIN index; it follows every insert and update by itself.
* SQLite: an FTS5 table over the documents (external content, Porter stemmer over unicode61), kept
  in step by triggers on insert, update and delete.

Both are invisible to Django's models: :mod:`veille.lessons.search` is the one place that reads them.
A later migration that rebuilds ``lessons_searchdoc`` on SQLite (Django copies the table to alter it)
must create the triggers again.
"""

from django.db import migrations

POSTGRES_UP = [
    """
    ALTER TABLE lessons_searchdoc ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX lessons_searchdoc_fts_idx ON lessons_searchdoc USING GIN (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS lessons_searchdoc_fts_idx",
    "ALTER TABLE lessons_searchdoc DROP COLUMN IF EXISTS search_vector",
]
SQLITE_UP = [
    """
    CREATE VIRTUAL TABLE lessons_searchdoc_fts USING fts5(
        title, body, content='lessons_searchdoc', content_rowid='id', tokenize='porter unicode61'
    )
    """,
    """
    CREATE TRIGGER lessons_searchdoc_fts_ai AFTER INSERT ON lessons_searchdoc BEGIN
        INSERT INTO lessons_searchdoc_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER lessons_searchdoc_fts_ad AFTER DELETE ON lessons_searchdoc BEGIN
        INSERT INTO lessons_searchdoc_fts(lessons_searchdoc_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER lessons_searchdoc_fts_au AFTER UPDATE ON lessons_searchdoc BEGIN
        INSERT INTO lessons_searchdoc_fts(lessons_searchdoc_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO lessons_searchdoc_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    # documents written before this migration (none on a new database)
    "INSERT INTO lessons_searchdoc_fts(lessons_searchdoc_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS lessons_searchdoc_fts_ai",
    "DROP TRIGGER IF EXISTS lessons_searchdoc_fts_ad",
    "DROP TRIGGER IF EXISTS lessons_searchdoc_fts_au",
    "DROP TABLE IF EXISTS lessons_searchdoc_fts",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"the lessons' full-text index exists for PostgreSQL and SQLite, not {vendor}")
        with schema_editor.connection.cursor() as cursor:
            for sql in statements[vendor]:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("lessons", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
