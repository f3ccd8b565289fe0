import type { Impression, ImpressionRecord } from '../../../lib/contract';
import type { Auth } from '../auth/tokens';
import type { Sql } from '../db/database';

/**
 * The impression log. `body` is the Impression exactly as returned to the client, `context` the
 * ticket snapshot, `candidates` the first-stage list in rank order, `generation` what each arm did
 * (and for chat arms the exact prompt). Written before the response is sent.
 */
export async function storeImpression(db: Sql, auth: Auth, record: Omit<ImpressionRecord, 'agent'>): Promise<void> {
  const { impression } = record;
  await db.query(
    `INSERT INTO impressions (tenant_id, id, agent, platform, ticket_id, created_at, context, candidates, body,
                              retriever_version, reranker_version, kb_version, query, generation)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11, $12, $13, $14::jsonb)`,
    [
      auth.tenantId,
      impression.id,
      auth.name,
      impression.ticket.platform,
      impression.ticket.ticketId,
      impression.createdAt,
      JSON.stringify(record.context),
      JSON.stringify(record.candidates),
      JSON.stringify(impression),
      impression.versions.retriever,
      impression.versions.reranker,
      impression.versions.kb,
      record.query,
      JSON.stringify(record.generation),
    ],
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An impression of the tenant as the agent saw it, or null. */
export async function loadImpression(db: Sql, tenantId: string, id: string): Promise<Impression | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await db.query<{ body: Impression }>('SELECT body FROM impressions WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return rows[0]?.body ?? null;
}

/** Everything stored about an impression of the tenant, or null. */
export async function loadImpressionRecord(db: Sql, tenantId: string, id: string): Promise<ImpressionRecord | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await db.query<ImpressionRecord>(
    `SELECT body AS impression, agent, context, query, candidates, generation
       FROM impressions WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return rows[0] ?? null;
}
