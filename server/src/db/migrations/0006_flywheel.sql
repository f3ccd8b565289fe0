-- The flywheel: a BM25F first stage whose index and statistics live in the database, models
-- learned from agents' feedback (immutable, versioned, per tenant), their promotion history, the
-- retraining turns, and the knowledge-gap queue. Only additions: earlier tables keep their meaning.

-- Stage one is BM25F over title and body. Term frequencies per field, per live article, and each
-- field's length (stemmed terms, stop words left out, as to_tsvector counts them); the averages
-- are on knowledge_bases. An import rewrites them in its own transaction, so every replica ranks
-- with the same statistics the moment the import commits.
CREATE TABLE knowledge_postings (
  tenant_id text NOT NULL REFERENCES tenants (id),
  lexeme text NOT NULL,
  article_id uuid NOT NULL,
  title_tf integer NOT NULL,
  body_tf integer NOT NULL,
  PRIMARY KEY (tenant_id, lexeme, article_id),
  FOREIGN KEY (tenant_id, article_id) REFERENCES knowledge_articles (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE knowledge_articles
  ADD COLUMN title_length integer NOT NULL DEFAULT 0,
  ADD COLUMN body_length integer NOT NULL DEFAULT 0;
ALTER TABLE knowledge_bases
  ADD COLUMN avg_title_length double precision NOT NULL DEFAULT 0,
  ADD COLUMN avg_body_length double precision NOT NULL DEFAULT 0;

-- Backfill what earlier imports left: the same statements the import runs (knowledge-base.ts).
UPDATE knowledge_articles
   SET title_length = coalesce((SELECT sum(array_length(positions, 1)) FROM unnest(to_tsvector('english', title))), 0),
       body_length = coalesce((SELECT sum(array_length(positions, 1)) FROM unnest(to_tsvector('english', body))), 0);
INSERT INTO knowledge_postings (tenant_id, lexeme, article_id, title_tf, body_tf)
SELECT a.tenant_id, t.lexeme, a.id, sum(t.title_tf)::int, sum(t.body_tf)::int
  FROM knowledge_articles a
 CROSS JOIN LATERAL (
   SELECT lexeme, array_length(positions, 1) AS title_tf, 0 AS body_tf FROM unnest(to_tsvector('english', a.title))
   UNION ALL
   SELECT lexeme, 0, array_length(positions, 1) FROM unnest(to_tsvector('english', a.body))
 ) t
 WHERE a.retired_at IS NULL
 GROUP BY a.tenant_id, t.lexeme, a.id;
UPDATE knowledge_bases b
   SET avg_title_length = coalesce((SELECT avg(title_length) FROM knowledge_articles a WHERE a.tenant_id = b.tenant_id AND a.retired_at IS NULL), 0),
       avg_body_length = coalesce((SELECT avg(body_length) FROM knowledge_articles a WHERE a.tenant_id = b.tenant_id AND a.retired_at IS NULL), 0);

-- A model learned from feedback: a retriever (BM25F parameters plus learned ticket wording per
-- article), a reranker (logistic-regression weights and article priors), an arm champion, or a
-- set of agent-approved example replies for chat prompts. Never
-- changed once written: an impression that names a version names exactly this.
CREATE TABLE model_versions (
  tenant_id text NOT NULL REFERENCES tenants (id),
  version text NOT NULL CHECK (version ~ '^[a-z0-9][a-z0-9._+-]{0,63}$'),
  kind text NOT NULL CHECK (kind IN ('retriever', 'reranker', 'champion', 'examples')),
  turn integer,
  artefact jsonb NOT NULL,
  -- What it learned from: the annotation watermark (seq), signal counts.
  trained_on jsonb NOT NULL DEFAULT '{}',
  -- Evaluation at training time: candidate and current side by side on the frozen eval slice.
  evaluation jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, version)
);

-- Stage one's learned part: each article expanded with the stemmed wording of tickets agents
-- confirmed it answered (weighted by signal strength, capped per term and per article).
CREATE TABLE retrieval_expansion_terms (
  tenant_id text NOT NULL,
  version text NOT NULL,
  lexeme text NOT NULL,
  article_id uuid NOT NULL,
  weight double precision NOT NULL CHECK (weight > 0),
  PRIMARY KEY (tenant_id, version, lexeme, article_id),
  FOREIGN KEY (tenant_id, version) REFERENCES model_versions (tenant_id, version)
);

-- An example set's replies: agent-approved replies to past tickets (sent as is or after edits),
-- PII-redacted, never from the eval slice; chat arms retrieve the most similar into the prompt.
CREATE TABLE reply_examples (
  tenant_id text NOT NULL,
  version text NOT NULL,
  position integer NOT NULL,
  annotation_id uuid NOT NULL,
  ticket_text text NOT NULL,
  reply_text text NOT NULL,
  PRIMARY KEY (tenant_id, version, position),
  FOREIGN KEY (tenant_id, version) REFERENCES model_versions (tenant_id, version)
);

CREATE FUNCTION aitl_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are immutable: write a new version instead', TG_TABLE_NAME;
END $$;
CREATE TRIGGER model_versions_immutable BEFORE UPDATE OR DELETE ON model_versions
  FOR EACH ROW EXECUTE FUNCTION aitl_refuse_change();
CREATE TRIGGER retrieval_expansion_terms_immutable BEFORE UPDATE OR DELETE ON retrieval_expansion_terms
  FOR EACH ROW EXECUTE FUNCTION aitl_refuse_change();
CREATE TRIGGER reply_examples_immutable BEFORE UPDATE OR DELETE ON reply_examples
  FOR EACH ROW EXECUTE FUNCTION aitl_refuse_change();

-- Every change of what serves, append-only: the newest row per kind is what serves now. A
-- rollback is a row naming the version it returns to.
CREATE TABLE model_promotions (
  tenant_id text NOT NULL REFERENCES tenants (id),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  kind text NOT NULL CHECK (kind IN ('retriever', 'reranker', 'champion', 'examples')),
  version text NOT NULL,
  action text NOT NULL CHECK (action IN ('promote', 'rollback')),
  actor text NOT NULL,
  reason text NOT NULL,
  turn integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, seq),
  FOREIGN KEY (tenant_id, version) REFERENCES model_versions (tenant_id, version)
);
CREATE TRIGGER model_promotions_append_only BEFORE UPDATE OR DELETE ON model_promotions
  FOR EACH ROW EXECUTE FUNCTION aitl_refuse_change();

-- Retraining turns, a job like batch builds: one running per tenant (the partial unique index),
-- a lease a killed replica's turn loses, the result kept for polling.
CREATE TABLE model_turns (
  tenant_id text NOT NULL REFERENCES tenants (id),
  number integer NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  requested_by text NOT NULL,
  options jsonb NOT NULL DEFAULT '{}',
  result jsonb,
  error text,
  lease_until timestamptz NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (tenant_id, number)
);
CREATE UNIQUE INDEX model_turns_one_running ON model_turns (tenant_id) WHERE status = 'running';

-- The knowledge-gap queue: one numbered gap per missing-knowledge report, resolved by the article
-- that closes it (its front matter `closes_gaps`, or `aitl gaps resolve`). A resolved gap makes
-- its ticket a positive example for that article.
CREATE TABLE knowledge_gaps (
  tenant_id text NOT NULL REFERENCES tenants (id),
  number integer NOT NULL,
  annotation_id uuid NOT NULL,
  resolved_article_id uuid,
  resolved_by text,
  resolved_at timestamptz,
  PRIMARY KEY (tenant_id, number),
  UNIQUE (tenant_id, annotation_id),
  FOREIGN KEY (tenant_id, annotation_id) REFERENCES annotations (tenant_id, id),
  FOREIGN KEY (tenant_id, resolved_article_id) REFERENCES knowledge_articles (tenant_id, id)
);
