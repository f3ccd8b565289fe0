-- What GET /v1/metrics counts of each impression's annotations (metrics/flywheel-pass.ts): its
-- first adoption (outcome and the slot sent), its latest preference (verdict, strength, the slot
-- shown on the left, the time taken) and, of each article's latest relevance label, how many are
-- relevant or partial and how many there are. The metrics read these per impression on every
-- call; looking them up through annotations_impression_type_idx (a sort and a dedup per
-- impression) was most of what the call cost at 100,000 annotations. Here they are one row per
-- impression, kept by the triggers below in the same transaction as the annotations they come
-- from, so every writer (and every server on the same database) sees them agree with the
-- annotations. The elapsed time is kept, not "too fast": the threshold is the server's setting.
CREATE TABLE impression_decisions (
  tenant_id text NOT NULL,
  impression_id uuid NOT NULL,
  outcome text,
  slot text,
  verdict text,
  strength text,
  "left" text,
  elapsed bigint,
  good integer NOT NULL,
  labelled integer NOT NULL,
  PRIMARY KEY (tenant_id, impression_id)
);

-- The decisions of the given impressions, from their annotations. The sort keeps each adoption's
-- earliest (created_at, seq) first (the first send, the reply the customer got) and every other
-- type's latest: the latest preference, each article's latest label (article_id is null but for
-- relevance). Only typed columns name the type (outcome: adoption, verdict and strength:
-- preference, label: relevance), so a missing-knowledge report counts nowhere. An impression
-- without annotations gets a row of nulls and zeros.
CREATE FUNCTION aitl_impression_decisions(tenants text[], impressions uuid[])
RETURNS TABLE (tenant_id text, impression_id uuid, outcome text, slot text, verdict text, strength text, "left" text, elapsed bigint, good integer, labelled integer)
LANGUAGE sql STABLE AS $$
  SELECT k.tenant_id, k.impression_id, d.*
    FROM unnest(tenants, impressions) AS k(tenant_id, impression_id) CROSS JOIN LATERAL (
      SELECT max(x.outcome), max(x.slot), max(x.verdict), max(x.strength), max(x."left"), max(x.elapsed),
             count(*) FILTER (WHERE x.type = 'relevance' AND x.label IN ('relevant', 'partial'))::int,
             count(*) FILTER (WHERE x.type = 'relevance')::int
        FROM (SELECT DISTINCT ON (a.type, a.article_id) a.type, a.outcome, a.verdict, a.strength, a.label,
                     CASE a.type WHEN 'adoption' THEN a.body #>> '{payload,slot}' END AS slot,
                     CASE a.type WHEN 'preference' THEN a.body #>> '{payload,shownOrder,0}' END AS "left",
                     CASE a.type WHEN 'preference' THEN (a.body->>'elapsedMs')::bigint END AS elapsed
                FROM annotations a
               WHERE a.tenant_id = k.tenant_id AND a.impression_id = k.impression_id
               ORDER BY a.type, a.article_id,
                        CASE a.type WHEN 'adoption' THEN a.created_at END, CASE a.type WHEN 'adoption' THEN a.seq END,
                        a.created_at DESC, a.seq DESC) x) d
$$;

-- After each statement that writes annotations, the impressions it touched are read again. Their
-- rows are locked first, in key order (two writers never wait on each other in a cycle), and read
-- in the next statement: under READ COMMITTED that statement's snapshot is taken once the lock is
-- held, so it sees the annotations of any writer that held the lock before, and that writer's
-- decisions are never overwritten by a count that missed its annotations. Missing-knowledge
-- reports count in no decision and are left out: a sync stores them in a statement of their own,
-- after the others and under the tenant's gap lock (annotations/store.ts), so only one statement
-- of a transaction takes these locks and two syncs cannot each hold one the other waits for.
CREATE FUNCTION aitl_refresh_impression_decisions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tenants text[];
  impressions uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(k.tenant_id ORDER BY k.tenant_id, k.impression_id), array_agg(k.impression_id ORDER BY k.tenant_id, k.impression_id)
      INTO tenants, impressions FROM (SELECT DISTINCT n.tenant_id, n.impression_id FROM new_rows n WHERE n.type <> 'missing_knowledge') k;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(k.tenant_id ORDER BY k.tenant_id, k.impression_id), array_agg(k.impression_id ORDER BY k.tenant_id, k.impression_id)
      INTO tenants, impressions FROM (SELECT DISTINCT o.tenant_id, o.impression_id FROM old_rows o WHERE o.type <> 'missing_knowledge') k;
  ELSE
    SELECT array_agg(k.tenant_id ORDER BY k.tenant_id, k.impression_id), array_agg(k.impression_id ORDER BY k.tenant_id, k.impression_id)
      INTO tenants, impressions
      FROM (SELECT n.tenant_id, n.impression_id FROM new_rows n WHERE n.type <> 'missing_knowledge'
            UNION SELECT o.tenant_id, o.impression_id FROM old_rows o WHERE o.type <> 'missing_knowledge') k;
  END IF;
  IF tenants IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO impression_decisions AS d (tenant_id, impression_id, good, labelled)
    SELECT k.tenant_id, k.impression_id, 0, 0 FROM unnest(tenants, impressions) AS k(tenant_id, impression_id)
    ON CONFLICT (tenant_id, impression_id) DO NOTHING;
  PERFORM 1 FROM impression_decisions d JOIN unnest(tenants, impressions) AS k(tenant_id, impression_id)
                 ON d.tenant_id = k.tenant_id AND d.impression_id = k.impression_id
   ORDER BY d.tenant_id, d.impression_id FOR UPDATE OF d;
  UPDATE impression_decisions d
     SET outcome = s.outcome, slot = s.slot, verdict = s.verdict, strength = s.strength, "left" = s."left",
         elapsed = s.elapsed, good = s.good, labelled = s.labelled
    FROM aitl_impression_decisions(tenants, impressions) s
   WHERE d.tenant_id = s.tenant_id AND d.impression_id = s.impression_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER annotations_decisions_insert AFTER INSERT ON annotations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aitl_refresh_impression_decisions();
CREATE TRIGGER annotations_decisions_update AFTER UPDATE ON annotations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aitl_refresh_impression_decisions();
CREATE TRIGGER annotations_decisions_delete AFTER DELETE ON annotations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION aitl_refresh_impression_decisions();

-- The annotations already stored.
INSERT INTO impression_decisions
  SELECT * FROM aitl_impression_decisions(
    ARRAY(SELECT k.tenant_id FROM (SELECT DISTINCT tenant_id, impression_id FROM annotations) k ORDER BY k.tenant_id, k.impression_id),
    ARRAY(SELECT k.impression_id FROM (SELECT DISTINCT tenant_id, impression_id FROM annotations) k ORDER BY k.tenant_id, k.impression_id));
