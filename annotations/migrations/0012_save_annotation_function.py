"""A label saved in one round trip on PostgreSQL: `factcheck_save_annotation` does in the
database what `annotating._save_portable` does in Python, step for step (see
`annotating._save_in_postgres`). SQLite keeps the portable path, so this migration does
nothing there.

A later change to the save writes a new version of the function in a new migration."""

from django.db import migrations

# What one sentence with label counts (v, d, u) under review target t adds to its article's
# tally: `tallies.terms`, with the same float arithmetic (exact integers, then one division).
TALLY_TERMS = """
CREATE OR REPLACE FUNCTION factcheck_tally_terms(
    v integer, d integer, u integer, t integer,
    OUT verified integer, OUT disputed integer, OUT unclear integer,
    OUT reviews_done integer, OUT pairable integer, OUT pairs bigint, OUT agreeing bigint,
    OUT o_vv double precision, OUT o_dd double precision, OUT o_uu double precision,
    OUT o_vd double precision, OUT o_vu double precision, OUT o_du double precision)
LANGUAGE sql IMMUTABLE AS $$
    SELECT v, d, u, least(v + d + u, t),
           (v + d + u >= 2)::integer,
           CASE WHEN v + d + u >= 2 THEN (v + d + u)::bigint * (v + d + u - 1) ELSE 0 END,
           CASE WHEN v + d + u >= 2
                THEN v::bigint * (v - 1) + d::bigint * (d - 1) + u::bigint * (u - 1)
                ELSE 0 END,
           CASE WHEN v + d + u >= 2
                THEN (v::bigint * (v - 1))::float8 / (v + d + u - 1) ELSE 0.0 END,
           CASE WHEN v + d + u >= 2
                THEN (d::bigint * (d - 1))::float8 / (v + d + u - 1) ELSE 0.0 END,
           CASE WHEN v + d + u >= 2
                THEN (u::bigint * (u - 1))::float8 / (v + d + u - 1) ELSE 0.0 END,
           CASE WHEN v + d + u >= 2 THEN (v::bigint * d)::float8 / (v + d + u - 1) ELSE 0.0 END,
           CASE WHEN v + d + u >= 2 THEN (v::bigint * u)::float8 / (v + d + u - 1) ELSE 0.0 END,
           CASE WHEN v + d + u >= 2 THEN (d::bigint * u)::float8 / (v + d + u - 1) ELSE 0.0 END
$$;
"""

# What one label `l` on a sentence with label counts (v, d, u) adds to its reviewer's daily
# rollup: `rollups.terms`, with the same arithmetic. A null label adds nothing.
ROLLUP_TERMS = """
CREATE OR REPLACE FUNCTION factcheck_rollup_terms(
    v integer, d integer, u integer, l text,
    OUT verified integer, OUT disputed integer, OUT unclear integer,
    OUT pairs bigint, OUT agreeing bigint,
    OUT o_vv double precision, OUT o_dd double precision, OUT o_uu double precision,
    OUT o_vd double precision, OUT o_vu double precision, OUT o_du double precision)
LANGUAGE sql IMMUTABLE AS $$
    SELECT (l IS NOT DISTINCT FROM 'verified')::integer,
           (l IS NOT DISTINCT FROM 'disputed')::integer,
           (l IS NOT DISTINCT FROM 'unclear')::integer,
           CASE WHEN p THEN m - 1 ELSE 0 END,
           CASE WHEN p THEN (CASE l WHEN 'verified' THEN v WHEN 'disputed' THEN d ELSE u END) - 1
                ELSE 0 END,
           CASE WHEN p AND l = 'verified' THEN (v - 1)::float8 / (m - 1) ELSE 0.0 END,
           CASE WHEN p AND l = 'disputed' THEN (d - 1)::float8 / (m - 1) ELSE 0.0 END,
           CASE WHEN p AND l = 'unclear' THEN (u - 1)::float8 / (m - 1) ELSE 0.0 END,
           CASE WHEN p AND l = 'verified' THEN d::float8 / (m - 1) / 2
                WHEN p AND l = 'disputed' THEN v::float8 / (m - 1) / 2 ELSE 0.0 END,
           CASE WHEN p AND l = 'verified' THEN u::float8 / (m - 1) / 2
                WHEN p AND l = 'unclear' THEN v::float8 / (m - 1) / 2 ELSE 0.0 END,
           CASE WHEN p AND l = 'disputed' THEN u::float8 / (m - 1) / 2
                WHEN p AND l = 'unclear' THEN d::float8 / (m - 1) / 2 ELSE 0.0 END
    FROM (SELECT v + d + u AS m, l IS NOT NULL AND v + d + u >= 2 AS p) AS s
$$;
"""

# The save. Errors: FC404 (no such sentence, or not open to the reviewer when p_check),
# FC409 (a stale version). The steps, locks and their order are `_save_portable`'s: the
# annotation's row, then the sentence's, then the tally's and the rollups' (in key order).
SAVE = """
CREATE OR REPLACE FUNCTION factcheck_save_annotation(
    p_sentence bigint, p_reviewer integer, p_label text, p_note text, p_evidence jsonb,
    p_version integer, p_adjudicator boolean, p_check boolean, p_history_user integer,
    p_now timestamptz, p_tz text,
    OUT r_id bigint, OUT r_created boolean, OUT r_version integer,
    OUT r_created_at timestamptz, OUT r_first_label text, OUT r_changed_after_reveal boolean,
    OUT r_article bigint, OUT r_sees boolean,
    OUT r_verified integer, OUT r_disputed integer, OUT r_unclear integer)
LANGUAGE plpgsql AS $$
DECLARE
    a annotations_annotation%ROWTYPE;
    v_old text;
    v_project bigint;
    v_target integer;
    v_first text;
    v_label text;
    v_changed boolean;
    b integer[];
    n integer[];
BEGIN
    SELECT s.article_id, ar.project_id, p_adjudicator OR pr.show_counts_after_labeling
      INTO r_article, v_project, r_sees
      FROM annotations_sentence s
      JOIN annotations_article ar ON ar.id = s.article_id
      JOIN annotations_project pr ON pr.id = ar.project_id
     WHERE s.id = p_sentence
       AND (NOT p_check OR p_adjudicator
            OR NOT EXISTS (SELECT 1 FROM annotations_project_members m
                            WHERE m.project_id = pr.id)
            OR EXISTS (SELECT 1 FROM annotations_project_members m
                        WHERE m.project_id = pr.id AND m.user_id = p_reviewer));
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such sentence' USING ERRCODE = 'FC404';
    END IF;

    SELECT * INTO a FROM annotations_annotation
     WHERE sentence_id = p_sentence AND reviewer_id = p_reviewer FOR UPDATE;
    IF NOT FOUND THEN
        IF p_version IS NOT NULL AND p_version <> 0 THEN
            RAISE EXCEPTION 'stale version' USING ERRCODE = 'FC409';
        END IF;
        -- A reviewer who deleted an earlier label keeps its first label (`_first_label`).
        SELECT h.first_label, h.label INTO v_first, v_label
          FROM annotations_historicalannotation h
         WHERE h.sentence_id = p_sentence AND h.reviewer_id = p_reviewer
         ORDER BY h.history_date, h.history_id LIMIT 1;
        IF NOT FOUND THEN
            v_first := p_label;
            v_changed := false;
        ELSE
            v_first := coalesce(nullif(v_first, ''), v_label);
            v_changed := EXISTS (
                SELECT 1 FROM annotations_historicalannotation h
                 WHERE h.sentence_id = p_sentence AND h.reviewer_id = p_reviewer
                   AND h.changed_after_reveal
            ) OR (p_label <> v_first AND r_sees);
        END IF;
        INSERT INTO annotations_annotation
               (label, note, evidence, created_at, updated_at, version, reviewer_id,
                sentence_id, first_label, changed_after_reveal)
        VALUES (p_label, p_note, p_evidence, p_now, p_now, 1, p_reviewer, p_sentence,
                v_first, v_changed)
        ON CONFLICT ON CONSTRAINT annotation_one_per_reviewer DO NOTHING
        RETURNING * INTO a;
        r_created := FOUND;
        IF NOT r_created THEN
            -- Another request created it first: ours is an update of theirs.
            SELECT * INTO a FROM annotations_annotation
             WHERE sentence_id = p_sentence AND reviewer_id = p_reviewer FOR UPDATE;
        END IF;
    ELSE
        r_created := false;
    END IF;

    IF NOT r_created THEN
        IF p_version IS NOT NULL AND p_version <> a.version THEN
            RAISE EXCEPTION 'stale version' USING ERRCODE = 'FC409';
        END IF;
        v_old := a.label;
    END IF;

    IF v_old IS DISTINCT FROM p_label THEN
        -- `tallies.apply_change`: the sentence's lock, then its article's target and
        -- project read after it.
        SELECT ARRAY[verified_count, disputed_count, unclear_count] INTO b
          FROM annotations_sentence WHERE id = p_sentence FOR UPDATE;
        SELECT coalesce(ar.review_target, pr.review_target), ar.project_id
          INTO v_target, v_project
          FROM annotations_article ar JOIN annotations_project pr ON pr.id = ar.project_id
         WHERE ar.id = r_article;
        n := ARRAY[b[1] + (p_label = 'verified')::integer
                        - (v_old IS NOT DISTINCT FROM 'verified')::integer,
                   b[2] + (p_label = 'disputed')::integer
                        - (v_old IS NOT DISTINCT FROM 'disputed')::integer,
                   b[3] + (p_label = 'unclear')::integer
                        - (v_old IS NOT DISTINCT FROM 'unclear')::integer];
        UPDATE annotations_sentence
           SET verified_count = n[1], disputed_count = n[2], unclear_count = n[3]
         WHERE id = p_sentence;
        UPDATE annotations_articletally t
           SET verified = t.verified + (y.verified - x.verified),
               disputed = t.disputed + (y.disputed - x.disputed),
               unclear = t.unclear + (y.unclear - x.unclear),
               reviews_done = t.reviews_done + (y.reviews_done - x.reviews_done),
               pairable = t.pairable + (y.pairable - x.pairable),
               pairs = t.pairs + (y.pairs - x.pairs),
               agreeing = t.agreeing + (y.agreeing - x.agreeing),
               o_vv = t.o_vv + (y.o_vv - x.o_vv), o_dd = t.o_dd + (y.o_dd - x.o_dd),
               o_uu = t.o_uu + (y.o_uu - x.o_uu), o_vd = t.o_vd + (y.o_vd - x.o_vd),
               o_vu = t.o_vu + (y.o_vu - x.o_vu), o_du = t.o_du + (y.o_du - x.o_du)
          FROM factcheck_tally_terms(b[1], b[2], b[3], v_target) AS x,
               factcheck_tally_terms(n[1], n[2], n[3], v_target) AS y
         WHERE t.article_id = r_article;
        -- `rollups.apply_change`: the reviewer's row, and those of the others' labels on
        -- the sentence, in key order.
        INSERT INTO annotations_dailyrollup
               (project_id, day, reviewer_id, verified, disputed, unclear, pairs, agreeing,
                o_vv, o_dd, o_uu, o_vd, o_vu, o_du)
        SELECT v_project, m.day, m.reviewer_id, m.verified, m.disputed, m.unclear, m.pairs,
               m.agreeing, m.o_vv, m.o_dd, m.o_uu, m.o_vd, m.o_vu, m.o_du
          FROM (
            SELECT (coalesce(a.created_at, p_now) AT TIME ZONE p_tz)::date AS day,
                   p_reviewer AS reviewer_id,
                   y.verified - x.verified AS verified, y.disputed - x.disputed AS disputed,
                   y.unclear - x.unclear AS unclear, y.pairs - x.pairs AS pairs,
                   y.agreeing - x.agreeing AS agreeing,
                   y.o_vv - x.o_vv AS o_vv, y.o_dd - x.o_dd AS o_dd, y.o_uu - x.o_uu AS o_uu,
                   y.o_vd - x.o_vd AS o_vd, y.o_vu - x.o_vu AS o_vu, y.o_du - x.o_du AS o_du
              FROM factcheck_rollup_terms(b[1], b[2], b[3], v_old) AS x,
                   factcheck_rollup_terms(n[1], n[2], n[3], p_label) AS y
            UNION ALL
            SELECT (o.created_at AT TIME ZONE p_tz)::date, o.reviewer_id,
                   y.verified - x.verified, y.disputed - x.disputed, y.unclear - x.unclear,
                   y.pairs - x.pairs, y.agreeing - x.agreeing,
                   y.o_vv - x.o_vv, y.o_dd - x.o_dd, y.o_uu - x.o_uu,
                   y.o_vd - x.o_vd, y.o_vu - x.o_vu, y.o_du - x.o_du
              FROM annotations_annotation o,
                   LATERAL factcheck_rollup_terms(b[1], b[2], b[3], o.label) AS x,
                   LATERAL factcheck_rollup_terms(n[1], n[2], n[3], o.label) AS y
             WHERE o.sentence_id = p_sentence AND o.reviewer_id <> p_reviewer
          ) AS m
         ORDER BY m.day, m.reviewer_id
        ON CONFLICT (project_id, day, reviewer_id) DO UPDATE SET
            verified = annotations_dailyrollup.verified + excluded.verified,
            disputed = annotations_dailyrollup.disputed + excluded.disputed,
            unclear = annotations_dailyrollup.unclear + excluded.unclear,
            pairs = annotations_dailyrollup.pairs + excluded.pairs,
            agreeing = annotations_dailyrollup.agreeing + excluded.agreeing,
            o_vv = annotations_dailyrollup.o_vv + excluded.o_vv,
            o_dd = annotations_dailyrollup.o_dd + excluded.o_dd,
            o_uu = annotations_dailyrollup.o_uu + excluded.o_uu,
            o_vd = annotations_dailyrollup.o_vd + excluded.o_vd,
            o_vu = annotations_dailyrollup.o_vu + excluded.o_vu,
            o_du = annotations_dailyrollup.o_du + excluded.o_du;
        r_verified := n[1];
        r_disputed := n[2];
        r_unclear := n[3];
    ELSE
        SELECT verified_count, disputed_count, unclear_count
          INTO r_verified, r_disputed, r_unclear
          FROM annotations_sentence WHERE id = p_sentence;
    END IF;

    IF NOT r_created THEN
        UPDATE annotations_annotation
           SET label = p_label, note = p_note, evidence = p_evidence, updated_at = p_now,
               version = a.version + 1,
               changed_after_reveal = a.changed_after_reveal
                                      OR (v_old <> p_label AND r_sees)
         WHERE id = a.id
        RETURNING * INTO a;
    END IF;
    INSERT INTO annotations_historicalannotation
           (id, label, note, evidence, created_at, updated_at, version, history_date,
            history_change_reason, history_type, history_user_id, reviewer_id, sentence_id,
            first_label, changed_after_reveal)
    VALUES (a.id, a.label, a.note, a.evidence, a.created_at, a.updated_at, a.version, p_now,
            NULL, CASE WHEN r_created THEN '+' ELSE '~' END, p_history_user, a.reviewer_id,
            a.sentence_id, a.first_label, a.changed_after_reveal);
    r_id := a.id;
    r_version := a.version;
    r_created_at := a.created_at;
    r_first_label := a.first_label;
    r_changed_after_reveal := a.changed_after_reveal;
END
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS factcheck_save_annotation(
    bigint, integer, text, text, jsonb, integer, boolean, boolean, integer, timestamptz, text);
DROP FUNCTION IF EXISTS factcheck_rollup_terms(integer, integer, integer, text);
DROP FUNCTION IF EXISTS factcheck_tally_terms(integer, integer, integer, integer);
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)  # no parameters: the % of %ROWTYPE stays as it is

    return run


class Migration(migrations.Migration):
    dependencies = [("annotations", "0011_rollups")]

    operations = [
        migrations.RunPython(
            on_postgresql(TALLY_TERMS + ROLLUP_TERMS + SAVE), on_postgresql(DROP)
        ),
    ]
