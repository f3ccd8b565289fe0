-- Retraining batches. A batch is numbered per tenant and immutable once complete. Its files live
-- here too, in chunks, so any replica can stream a file another replica built, on Postgres and
-- PGlite alike, without a shared disk.

CREATE TABLE batches (
  tenant_id text NOT NULL REFERENCES tenants (id),
  number integer NOT NULL CHECK (number >= 1),
  -- 'building' rows are never listed; a build that fails or dies is deleted, so numbers stay contiguous.
  status text NOT NULL CHECK (status IN ('building', 'complete')),
  spec jsonb NOT NULL,
  -- manifest.json exactly as served (the bytes hashed into nothing else); set when complete.
  manifest text,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (tenant_id, number)
);

-- One build per tenant at a time, across replicas. The row is a lease: a builder renews
-- `expires_at` while it works; a replica killed mid-build stops renewing, and the next build may
-- take the lease over once it has expired (and throws the half-built batch away).
CREATE TABLE batch_build_leases (
  tenant_id text PRIMARY KEY REFERENCES tenants (id),
  number integer NOT NULL,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE batch_files (
  tenant_id text NOT NULL,
  number integer NOT NULL,
  name text NOT NULL,
  rows integer NOT NULL,
  bytes bigint NOT NULL,
  sha256 text NOT NULL,
  chunks integer NOT NULL,
  PRIMARY KEY (tenant_id, number, name),
  FOREIGN KEY (tenant_id, number) REFERENCES batches (tenant_id, number) ON DELETE CASCADE
);

-- File contents in chunks of about 1 MiB, read back one at a time when a file is streamed.
CREATE TABLE batch_file_chunks (
  tenant_id text NOT NULL,
  number integer NOT NULL,
  name text NOT NULL,
  chunk integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (tenant_id, number, name, chunk),
  FOREIGN KEY (tenant_id, number) REFERENCES batches (tenant_id, number) ON DELETE CASCADE
);
