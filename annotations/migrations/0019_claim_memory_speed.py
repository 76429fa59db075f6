"""The claim memory (0016), faster to search and safe to empty:

- Its GIN indexes take new claims straight into the index (`fastupdate = off`). With the
  default, new entries wait in a pending list of up to 4 MB that every search reads in
  full (most of a search's time on a million sentences: bench/matches.py, docs/benchmarks.md).
  A rebuild of the whole memory drops the indexes and builds them afresh after the rows.
- Emptying the sentences (TRUNCATE: pytest-django's flush between browser tests) empties
  the memory with DELETE, which a search in flight does not block: a TRUNCATE of the memory
  waited for that search while the search waited for the tables the flush held (a deadlock,
  tests/test_postgres_claim_memory.py).
"""

from django.db import migrations

MEMORY_SELECT = """
  SELECT s.id, s.article_id, s.text,
         to_tsvector(factcheck_ts_config(a.language), s.text)
         || to_tsvector('simple', s.text)
  FROM annotations_sentence s
  JOIN annotations_article a ON a.id = s.article_id
  JOIN annotations_project p ON p.id = a.project_id
  WHERE EXISTS (SELECT 1 FROM annotations_verdict v WHERE v.sentence_id = s.id)
     OR s.verified_count + s.disputed_count + s.unclear_count
        >= coalesce(a.review_target, p.review_target)"""

INDEXES = """
  CREATE INDEX annotations_claimmemory_fts ON annotations_claimmemory
      USING gin (search_vector) WITH (fastupdate = off);
  CREATE INDEX annotations_claimmemory_trgm ON annotations_claimmemory
      USING gin (text gin_trgm_ops) WITH (fastupdate = off);"""

FORWARD = f"""
ALTER INDEX annotations_claimmemory_fts SET (fastupdate = off);
ALTER INDEX annotations_claimmemory_trgm SET (fastupdate = off);
SELECT gin_clean_pending_list('annotations_claimmemory_fts'::regclass);
SELECT gin_clean_pending_list('annotations_claimmemory_trgm'::regclass);

CREATE OR REPLACE FUNCTION factcheck_claims_on_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM annotations_claimmemory;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION factcheck_refresh_claims() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE annotations_claimmemory;
  DROP INDEX annotations_claimmemory_fts, annotations_claimmemory_trgm;
  INSERT INTO annotations_claimmemory (sentence_id, article_id, text, search_vector)
  {MEMORY_SELECT};
  {INDEXES}
END $$;
"""

BACKWARD = f"""
ALTER INDEX annotations_claimmemory_fts RESET (fastupdate);
ALTER INDEX annotations_claimmemory_trgm RESET (fastupdate);

CREATE OR REPLACE FUNCTION factcheck_claims_on_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE annotations_claimmemory;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION factcheck_refresh_claims() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE annotations_claimmemory;
  INSERT INTO annotations_claimmemory (sentence_id, article_id, text, search_vector)
  {MEMORY_SELECT};
END $$;
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0018_predictions"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
