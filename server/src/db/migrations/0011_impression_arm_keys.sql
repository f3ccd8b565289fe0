-- The flywheel metrics need only which arms an impression showed (slot, arm, model, prompt
-- version), but those sat inside `body`, whose arms carry the replies' texts: reading them
-- decompressed each impression's whole body (about 1.2 kB stored, 0.8 kB of it the arms), which
-- at 25,000 impressions was most of what GET /v1/metrics spent on PGlite. `arm_keys` keeps just
-- the keys, in the body's order ([{slot, armId, model, promptVersion}] as JSON text, about 150
-- bytes; text because the metrics group by it, and hashing text is one pass over its bytes), as a
-- stored generated column: Postgres computes it on every insert and update, so no writer can let
-- it disagree with the body, and adding it fills it for the rows already stored.
CREATE FUNCTION aitl_impression_arm_keys(body jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_agg(jsonb_build_object('slot', x->>'slot', 'armId', x->>'armId', 'model', x->>'model', 'promptVersion', x->>'promptVersion') ORDER BY n), '[]'::jsonb)
    FROM jsonb_array_elements(CASE jsonb_typeof(body->'arms') WHEN 'array' THEN body->'arms' ELSE '[]'::jsonb END) WITH ORDINALITY AS e(x, n)
$$;
ALTER TABLE impressions ADD COLUMN arm_keys text NOT NULL GENERATED ALWAYS AS (aitl_impression_arm_keys(body)::text) STORED;
