import { createHash } from 'node:crypto';
import { BATCH_MANIFEST, type BatchManifest, type BatchSummary } from '../../../lib/contract';
import type { Database } from '../db/database';

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

interface BatchRow {
  number: number;
  status: 'building' | 'complete';
  policy: BatchSummary['policy'] | null;
  created_at: string;
  completed_at: string | null;
  manifest: string | null;
}

const SELECT = `SELECT number, status, spec->>'policy' AS policy, ${ISO('created_at')} AS created_at, ${ISO('completed_at')} AS completed_at, manifest FROM batches`;

function summary(row: BatchRow): { summary: BatchSummary; manifest: BatchManifest | null } {
  const manifest = row.manifest === null ? null : (JSON.parse(row.manifest) as BatchManifest);
  return {
    summary: {
      number: row.number,
      status: row.status,
      policy: row.policy ?? 'accumulate',
      createdAt: row.created_at,
      completedAt: row.completed_at,
      rows: Object.fromEntries((manifest?.files ?? []).map((f) => [f.name, f.rows])),
      warnings: manifest?.warnings ?? [],
    },
    manifest,
  };
}

/** Complete batches of a tenant, oldest first. A batch being built is not listed until it is complete. */
export async function listBatches(db: Database, tenantId: string): Promise<BatchSummary[]> {
  const { rows } = await db.query<BatchRow>(`${SELECT} WHERE tenant_id = $1 AND status = 'complete' ORDER BY number`, [tenantId]);
  return rows.map((r) => summary(r).summary);
}

/** One batch (complete or building), or null. */
export async function getBatch(db: Database, tenantId: string, number: number): Promise<{ summary: BatchSummary; manifest: BatchManifest | null } | null> {
  const { rows } = await db.query<BatchRow>(`${SELECT} WHERE tenant_id = $1 AND number = $2`, [tenantId, number]);
  return rows[0] ? summary(rows[0]) : null;
}

export interface StoredFile {
  name: string;
  bytes: number;
  sha256: string;
  /** Chunks to stream, or the whole text for manifest.json. */
  chunks: number;
  text?: string;
}

/** A file of a complete batch, or null. manifest.json is served from the batch row itself. */
export async function batchFile(db: Database, tenantId: string, number: number, name: string): Promise<StoredFile | null> {
  if (name === BATCH_MANIFEST) {
    const { rows } = await db.query<{ manifest: string }>(`SELECT manifest FROM batches WHERE tenant_id = $1 AND number = $2 AND status = 'complete'`, [tenantId, number]);
    if (!rows[0]) return null;
    const text = rows[0].manifest;
    return { name, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex'), chunks: 0, text };
  }
  const { rows } = await db.query<{ bytes: string; sha256: string; chunks: number }>(
    `SELECT f.bytes::text AS bytes, f.sha256, f.chunks FROM batch_files f JOIN batches b USING (tenant_id, number)
      WHERE f.tenant_id = $1 AND f.number = $2 AND f.name = $3 AND b.status = 'complete'`,
    [tenantId, number, name],
  );
  return rows[0] ? { name, bytes: Number(rows[0].bytes), sha256: rows[0].sha256, chunks: rows[0].chunks } : null;
}
