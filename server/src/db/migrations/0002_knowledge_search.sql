-- Suggestions and knowledge: stage-one search inside the database, knowledge-base revisions,
-- term statistics for the reranker, an import log, and what generation did for each impression.
-- Only additions to 0001: the meanings of its tables and columns are unchanged.

-- Stage one is Postgres full-text search (PGlite has the same engine), so every server replica on
-- one database searches the same index, an import is visible to all of them the moment it
-- commits, and nothing is rebuilt per request or per process. Titles weigh more than bodies
-- (label A vs B). English stemming; other languages would add a column per configuration.
ALTER TABLE knowledge_articles
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A') ||
    setweight(to_tsvector('english'::regconfig, body), 'B')
  ) STORED;
CREATE INDEX knowledge_articles_search_idx ON knowledge_articles USING gin (search_vector);
-- When the source says the article was last edited (Zendesk updated_at, a CSV column); null if unknown.
ALTER TABLE knowledge_articles ADD COLUMN source_updated_at timestamptz;

-- One row per tenant with a knowledge base. `revision` goes up by one with every import that
-- changes anything; impressions record it as their `kb` version ("kb-<revision>").
CREATE TABLE knowledge_bases (
  tenant_id text PRIMARY KEY REFERENCES tenants (id),
  revision integer NOT NULL DEFAULT 0,
  -- Live (not retired) articles, the N of the reranker's inverse document frequencies.
  live_articles integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- How many live articles contain each stemmed term, recomputed by every import that changes the
-- knowledge base. The reranker weighs matched query terms by rarity (IDF) from it; the full-text
-- ranking functions have no notion of term rarity.
CREATE TABLE knowledge_terms (
  tenant_id text NOT NULL REFERENCES tenants (id),
  lexeme text NOT NULL,
  ndoc integer NOT NULL,
  PRIMARY KEY (tenant_id, lexeme)
);

-- Every `aitl kb import` that committed, with what it changed.
CREATE TABLE knowledge_imports (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  source text NOT NULL,
  format text NOT NULL,
  origin text NOT NULL,
  revision integer NOT NULL,
  added integer NOT NULL,
  updated integer NOT NULL,
  unchanged integer NOT NULL,
  retired integer NOT NULL,
  restored integer NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX knowledge_imports_time_idx ON knowledge_imports (tenant_id, imported_at);

-- The retrieval query built from the ticket, and per arm what generation did: provider, model,
-- prompt version, outcome (ok / failed / timeout / skipped), latency, error, and for chat arms the
-- exact messages sent, so a batch can rebuild the prompt an arm answered.
ALTER TABLE impressions
  ADD COLUMN query text NOT NULL DEFAULT '',
  ADD COLUMN generation jsonb NOT NULL DEFAULT '[]';
