import { v7 as uuidv7 } from 'uuid';
import { Impression, type ArmReply, type TicketContext } from '../../../lib/contract';
import type { Sql } from '../../src/db/database';
import { readExample } from './annotations';

type ArmSpec = Pick<ArmReply, 'slot' | 'armId' | 'model' | 'promptVersion'> & Partial<ArmReply>;

/**
 * Writes an impression row as the suggestion engine stores it (body = the contract Impression,
 * context = the TicketContext snapshot), built from the shipped example.
 */
export async function insertImpression(
  db: Sql,
  tenantId: string,
  opts: { createdAt?: string; arms?: ArmSpec[]; displayOrder?: ('A' | 'B')[]; reranker?: string; agent?: string; ticketId?: string } = {},
): Promise<Impression> {
  const example = readExample<Impression>('impression');
  const context = readExample<{ context: TicketContext }>('suggestion-request').context;
  const arms = (opts.arms ?? example.arms).map((spec) => ({ ...example.arms.find((a) => a.slot === spec.slot) ?? example.arms[0]!, ...spec }));
  const impression = Impression.parse({
    ...example,
    id: uuidv7(),
    createdAt: opts.createdAt ?? new Date().toISOString(),
    ticket: { platform: context.platform, ticketId: opts.ticketId ?? context.ticketId },
    pairwise: arms.length === 2,
    arms,
    displayOrder: opts.displayOrder ?? arms.map((a) => a.slot),
    versions: { ...example.versions, reranker: opts.reranker ?? example.versions.reranker },
  });
  await db.query(
    `INSERT INTO impressions (tenant_id, id, agent, platform, ticket_id, created_at, context, candidates, body, retriever_version, reranker_version, kb_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11, $12)`,
    [
      tenantId,
      impression.id,
      opts.agent ?? 'agent',
      impression.ticket.platform,
      impression.ticket.ticketId,
      impression.createdAt,
      JSON.stringify({ ...context, ticketId: impression.ticket.ticketId }),
      JSON.stringify(impression.articles.map((a) => ({ id: a.id, version: a.version, score: a.score }))),
      JSON.stringify(impression),
      impression.versions.retriever,
      impression.versions.reranker,
      impression.versions.kb,
    ],
  );
  return impression;
}
