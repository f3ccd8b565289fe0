-- Helpfulness from a judge model (`aitl judge`): passes over the frozen eval slice, one running per
-- tenant across replicas (the partial unique index, with a lease a killed replica's pass loses,
-- as for model turns), and every verdict the judge gave: a score, or a failure with its reason.
-- Only the judge's model, endpoint and rubric version are kept: its API key never is.
CREATE TABLE judge_runs (
  tenant_id text NOT NULL REFERENCES tenants (id),
  number integer NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  requested_by text NOT NULL,
  judge_model text NOT NULL,
  judge_url text NOT NULL,
  rubric_version text NOT NULL,
  sample integer NOT NULL CHECK (sample >= 1),
  summary jsonb,
  error text,
  lease_until timestamptz NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (tenant_id, number)
);
CREATE UNIQUE INDEX judge_runs_one_running ON judge_runs (tenant_id) WHERE status = 'running';

-- One row per reply the judge was asked about in a run. A reply (impression and slot) is scored
-- once per judge model and rubric version; a failure leaves it to be asked again by a later run.
CREATE TABLE judge_scores (
  tenant_id text NOT NULL,
  run integer NOT NULL,
  impression_id uuid NOT NULL,
  slot text NOT NULL CHECK (slot IN ('A', 'B')),
  arm_id text NOT NULL,
  model text NOT NULL,
  prompt_version text NOT NULL,
  judge_model text NOT NULL,
  rubric_version text NOT NULL,
  score smallint CHECK (score BETWEEN 1 AND 5),
  reason text,
  failure text,
  attempts integer NOT NULL CHECK (attempts >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((score IS NULL) <> (failure IS NULL)),
  PRIMARY KEY (tenant_id, run, impression_id, slot),
  FOREIGN KEY (tenant_id, run) REFERENCES judge_runs (tenant_id, number),
  FOREIGN KEY (tenant_id, impression_id) REFERENCES impressions (tenant_id, id)
);
CREATE UNIQUE INDEX judge_scores_once ON judge_scores (tenant_id, impression_id, slot, judge_model, rubric_version) WHERE score IS NOT NULL;
CREATE INDEX judge_scores_judge_idx ON judge_scores (tenant_id, judge_model, rubric_version);
