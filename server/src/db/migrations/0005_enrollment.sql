-- Rollout to a team: enrollment keys, agents as identities an admin can deactivate, and an audit
-- trail of who got access, when, and how.

-- A shared secret an admin puts in the Chrome policy; with it, each agent's extension obtains a
-- personal agent token for the email the helpdesk knows. Stored only as a SHA-256 hash.
CREATE TABLE enrollment_keys (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  hash text NOT NULL UNIQUE,
  hint text NOT NULL,
  -- Lower-case domains an enrolling email must belong to; empty admits any address.
  email_domains text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Who made it: 'cli', or the admin token's id and name.
  created_by text NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX enrollment_keys_tenant_idx ON enrollment_keys (tenant_id, created_at);

-- An agent is the identity on annotations (for enrolled agents, their lower-cased email); several
-- tokens (one per device) may carry it. Deactivation is kept here, not on the tokens, so that
-- enrolling again cannot silently bring a deactivated agent back.
CREATE TABLE agents (
  tenant_id text NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_enrolled_at timestamptz,
  deactivated_at timestamptz,
  deactivated_by text,
  PRIMARY KEY (tenant_id, name)
);
INSERT INTO agents (tenant_id, name, created_at)
SELECT tenant_id, name, min(created_at) FROM tokens WHERE role = 'agent' GROUP BY tenant_id, name;

-- How a token came to be: made by hand (CLI or admin API), by an enrollment key, or by company
-- sign-in (OpenID Connect).
ALTER TABLE tokens ADD COLUMN origin text NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'enrollment', 'oidc'));
ALTER TABLE tokens ADD COLUMN enrollment_key_id uuid REFERENCES enrollment_keys (id);
CREATE INDEX tokens_agent_idx ON tokens (tenant_id, name) WHERE role = 'agent';
CREATE INDEX tokens_enrollment_key_idx ON tokens (enrollment_key_id) WHERE enrollment_key_id IS NOT NULL;
CREATE INDEX clients_agent_idx ON clients (tenant_id, agent);

-- Append-only record of access events: enrolments (granted and refused), sign-ins, tokens and
-- keys created or revoked, agents deactivated. Secrets never appear here. tenant_id is null for
-- attempts with a key that matches no tenant.
CREATE TABLE audit_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  tenant_id text REFERENCES tenants (id),
  action text NOT NULL,
  -- Who did it: 'cli', 'admin <token id>', 'enrollment key <id>', 'oidc <issuer>', 'anonymous'.
  actor text NOT NULL,
  -- Why a refusal was refused (unknown_key, expired_key, domain_not_allowed, ...), else null.
  reason text,
  agent text,
  enrollment_key_id uuid,
  token_id uuid,
  ip text,
  user_agent text,
  detail jsonb
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, id);
