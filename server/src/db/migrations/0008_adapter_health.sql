-- Adapter health: on how many tickets each helpdesk selector matched with its primary candidate,
-- only with a fallback, or not at all, per tenant, site, extension version and UTC day. Counts
-- only: no page text and no ticket id ever reach the server.
--
-- Reports are additive (each holds the counts an install gathered since its last acknowledged
-- report) and are counted once: adapter_health_reports keeps every report id, and a report whose
-- id is already there (a retried sync) adds nothing. Only additions: earlier tables keep their meaning.
CREATE TABLE adapter_health_reports (
  tenant_id text NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL,
  client_id uuid NOT NULL,
  extension_version text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
-- Ids are kept only as long as a replay could still count (its days must be within 31 days).
CREATE INDEX adapter_health_reports_received ON adapter_health_reports (tenant_id, received_at);

-- Tickets whose page the adapter looked at: the denominator of every selector row.
CREATE TABLE adapter_health_tickets (
  tenant_id text NOT NULL REFERENCES tenants (id),
  day date NOT NULL,
  site text NOT NULL,
  extension_version text NOT NULL,
  tickets bigint NOT NULL CHECK (tickets >= 0),
  PRIMARY KEY (tenant_id, day, site, extension_version)
);

-- candidate: the position of the candidate that matched in the selector list (0 the primary),
-- -1 when none did. outcome says the same in words, for readers of the table.
CREATE TABLE adapter_health (
  tenant_id text NOT NULL REFERENCES tenants (id),
  day date NOT NULL,
  site text NOT NULL,
  extension_version text NOT NULL,
  selector text NOT NULL,
  candidate smallint NOT NULL CHECK (candidate >= -1),
  outcome text NOT NULL CHECK (outcome = CASE WHEN candidate < 0 THEN 'failed' WHEN candidate = 0 THEN 'primary' ELSE 'fallback' END),
  tickets bigint NOT NULL CHECK (tickets >= 0),
  PRIMARY KEY (tenant_id, day, site, extension_version, selector, candidate)
);
