import type { Sql } from '../db/database';

/** What a model version is: stage one, stage two, which reply arm is the champion, or a chat arm's example set. */
export type ModelKind = 'retriever' | 'reranker' | 'champion' | 'examples';
export const MODEL_KINDS: readonly ModelKind[] = ['retriever', 'reranker', 'champion', 'examples'];

export interface ModelVersionRow {
  version: string;
  kind: ModelKind;
  turn: number | null;
  artefact: unknown;
  trainedOn: Record<string, unknown>;
  evaluation: unknown;
  createdAt: string;
}

export interface PromotionRow {
  seq: number;
  kind: ModelKind;
  version: string;
  action: 'promote' | 'rollback';
  actor: string;
  reason: string;
  turn: number | null;
  createdAt: string;
}

/** A version that does not exist for this tenant (HTTP 404). */
export class UnknownModelVersionError extends Error {
  override name = 'UnknownModelVersionError';
}

/** Nothing to roll back to (HTTP 409). */
export class NothingToRollBackError extends Error {
  override name = 'NothingToRollBackError';
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Writes a new, immutable model version (the database refuses any later change). */
export async function insertModelVersion(
  db: Sql,
  tenantId: string,
  row: { version: string; kind: ModelKind; turn: number | null; artefact: unknown; trainedOn: unknown; evaluation?: unknown },
): Promise<void> {
  await db.query(
    `INSERT INTO model_versions (tenant_id, version, kind, turn, artefact, trained_on, evaluation)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)`,
    [tenantId, row.version, row.kind, row.turn, JSON.stringify(row.artefact), JSON.stringify(row.trainedOn), JSON.stringify(row.evaluation ?? null)],
  );
}

export async function modelVersion(db: Sql, tenantId: string, version: string): Promise<ModelVersionRow | null> {
  const { rows } = await db.query<ModelVersionRow>(
    `SELECT version, kind, turn, artefact, trained_on AS "trainedOn", evaluation, ${iso('created_at')} AS "createdAt"
       FROM model_versions WHERE tenant_id = $1 AND version = $2`,
    [tenantId, version],
  );
  return rows[0] ?? null;
}

export async function listModelVersions(db: Sql, tenantId: string): Promise<ModelVersionRow[]> {
  const { rows } = await db.query<ModelVersionRow>(
    `SELECT version, kind, turn, artefact - 'weights' - 'priors' AS artefact, trained_on AS "trainedOn", evaluation, ${iso('created_at')} AS "createdAt"
       FROM model_versions WHERE tenant_id = $1 ORDER BY created_at, version`,
    [tenantId],
  );
  return rows;
}

export async function promotionHistory(db: Sql, tenantId: string): Promise<PromotionRow[]> {
  const { rows } = await db.query<PromotionRow>(
    `SELECT seq::int AS seq, kind, version, action, actor, reason, turn, ${iso('created_at')} AS "createdAt"
       FROM model_promotions WHERE tenant_id = $1 ORDER BY seq`,
    [tenantId],
  );
  return rows;
}

/** The version serving now per kind (absent: the shipped default serves). */
export async function servingVersions(db: Sql, tenantId: string): Promise<Partial<Record<ModelKind, string>>> {
  const { rows } = await db.query<{ kind: ModelKind; version: string }>(
    `SELECT DISTINCT ON (kind) kind, version FROM model_promotions WHERE tenant_id = $1 ORDER BY kind, seq DESC`,
    [tenantId],
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.version]));
}

/** Makes a stored version serve; every replica picks it up on its next read of the promotions. */
export async function promote(
  db: Sql,
  tenantId: string,
  version: string,
  by: { actor: string; reason: string; turn?: number | null },
): Promise<PromotionRow> {
  const model = await modelVersion(db, tenantId, version);
  if (!model) throw new UnknownModelVersionError(`tenant ${tenantId} has no model version ${version}; aitl models list shows them`);
  const { rows } = await db.query<PromotionRow>(
    `INSERT INTO model_promotions (tenant_id, kind, version, action, actor, reason, turn)
     VALUES ($1, $2, $3, 'promote', $4, $5, $6)
     RETURNING seq::int AS seq, kind, version, action, actor, reason, turn, ${iso('created_at')} AS "createdAt"`,
    [tenantId, model.kind, version, by.actor, by.reason, by.turn ?? null],
  );
  return rows[0]!;
}

/**
 * Returns each given kind (all by default) to the version that served before its latest change.
 * The last promotion of a kind rolled back leaves no row to return to: that kind goes back to the
 * shipped default, which is said by a rollback row naming the default version.
 */
export async function rollback(
  db: Sql,
  tenantId: string,
  by: { actor: string; reason: string },
  defaults: Record<ModelKind, string>,
  kinds: readonly ModelKind[] = MODEL_KINDS,
): Promise<PromotionRow[]> {
  const history = await promotionHistory(db, tenantId);
  const done: PromotionRow[] = [];
  for (const kind of kinds) {
    const chain = servingChain(history.filter((p) => p.kind === kind));
    if (chain.length === 0) continue;
    const previous = chain.length >= 2 ? chain[chain.length - 2]! : defaults[kind];
    await ensureDefaultVersion(db, tenantId, kind, previous, defaults);
    const { rows } = await db.query<PromotionRow>(
      `INSERT INTO model_promotions (tenant_id, kind, version, action, actor, reason)
       VALUES ($1, $2, $3, 'rollback', $4, $5)
       RETURNING seq::int AS seq, kind, version, action, actor, reason, turn, ${iso('created_at')} AS "createdAt"`,
      [tenantId, kind, previous, by.actor, by.reason],
    );
    done.push(rows[0]!);
  }
  if (done.length === 0) throw new NothingToRollBackError(`tenant ${tenantId} serves the shipped defaults; there is nothing to roll back`);
  return done;
}

/**
 * The stack of versions that served, oldest first, after replaying promotions (push) and rollbacks
 * (pop back to the named version). Rolling back twice goes back twice.
 */
export function servingChain(history: PromotionRow[]): string[] {
  const stack: string[] = [];
  for (const p of history) {
    if (p.action === 'promote') stack.push(p.version);
    else {
      stack.pop();
      if (stack[stack.length - 1] !== p.version) stack.push(p.version);
    }
  }
  return stack;
}

/** A rollback to the shipped default names it, so the default needs a row (written once). */
async function ensureDefaultVersion(db: Sql, tenantId: string, kind: ModelKind, version: string, defaults: Record<ModelKind, string>) {
  if (version !== defaults[kind]) return;
  await db.query(
    `INSERT INTO model_versions (tenant_id, version, kind, artefact, trained_on) VALUES ($1, $2, $3, '{"shippedDefault": true}', '{}')
     ON CONFLICT DO NOTHING`,
    [tenantId, version, kind],
  );
}
