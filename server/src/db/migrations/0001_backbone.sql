-- The backbone: tenants and their tokens, agents' clients, annotations, and the tables the
-- suggestion engine fills (knowledge articles, impressions). Every row belongs to a tenant and
-- every query is scoped by tenant_id.

CREATE TABLE tenants (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens. Only the SHA-256 of a token is stored; the token itself is shown once.
CREATE TABLE tokens (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id),
  role text NOT NULL CHECK (role IN ('agent', 'operator', 'admin')),
  -- The person or system the token is for; for agents this is the agent identity on annotations.
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  hash text NOT NULL UNIQUE,
  -- Last characters of the token, so an admin can tell tokens apart in `aitl tokens list`.
  hint text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX tokens_tenant_idx ON tokens (tenant_id, created_at);

-- An extension install (its clientId) belongs to the first agent that syncs from it; another
-- agent presenting the same clientId is refused.
CREATE TABLE clients (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  agent text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

-- Knowledge articles, current version. Retired (removed from the source) articles stay, because
-- old impressions and annotations point at them.
CREATE TABLE knowledge_articles (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  source text NOT NULL,
  external_id text NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  title text NOT NULL,
  body text NOT NULL,
  url text,
  content_hash text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, source, external_id)
);

-- Every version an article has had, so a batch can rebuild the exact text an arm saw.
CREATE TABLE knowledge_article_versions (
  tenant_id text NOT NULL,
  article_id uuid NOT NULL,
  version integer NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  url text,
  content_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, article_id, version),
  FOREIGN KEY (tenant_id, article_id) REFERENCES knowledge_articles (tenant_id, id)
);

-- What an agent was shown for a ticket. `body` is the contract's Impression as returned to the
-- client; `context` the ticket snapshot it was built from; `candidates` the first-stage set
-- ([{id, version, score}], up to 75) so recall and relevance can be joined later.
CREATE TABLE impressions (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  agent text NOT NULL,
  platform text NOT NULL,
  ticket_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  context jsonb NOT NULL,
  candidates jsonb NOT NULL DEFAULT '[]',
  body jsonb NOT NULL,
  retriever_version text NOT NULL,
  reranker_version text NOT NULL,
  kb_version text NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX impressions_ticket_idx ON impressions (tenant_id, platform, ticket_id);
CREATE INDEX impressions_created_idx ON impressions (tenant_id, created_at);

-- Immutable annotation events. `body` is the validated annotation exactly as the contract parsed
-- it; the typed columns repeat what queries filter and group on. `seq` orders rows by arrival
-- (a watermark for batch builds); `content_hash` tells a retry (duplicate) from a conflict.
CREATE TABLE annotations (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  type text NOT NULL CHECK (type IN ('preference', 'adoption', 'relevance', 'missing_knowledge')),
  schema_version integer NOT NULL,
  agent text NOT NULL,
  token_id uuid NOT NULL,
  client_id uuid NOT NULL,
  platform text NOT NULL,
  ticket_id text NOT NULL,
  impression_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  content_hash text NOT NULL,
  body jsonb NOT NULL,
  -- preference
  verdict text,
  strength text,
  -- adoption
  outcome text,
  similarity double precision,
  -- relevance
  article_id uuid,
  article_version integer,
  label text,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX annotations_seq_idx ON annotations (seq);
CREATE INDEX annotations_received_idx ON annotations (tenant_id, received_at);
CREATE INDEX annotations_impression_idx ON annotations (tenant_id, impression_id);
CREATE INDEX annotations_type_idx ON annotations (tenant_id, type, created_at);
