import { v7 as uuidv7 } from 'uuid';
import { Impression, type ArmReply, type TicketContext } from '../../../lib/contract';
import type { Sql } from '../../src/db/database';
import { storeImpression } from '../../src/suggestions/impressions';
import { readExample } from './annotations';

type ArmSpec = Pick<ArmReply, 'slot' | 'armId' | 'model' | 'promptVersion'> & Partial<ArmReply>;

/**
 * Stores an impression through the suggestion engine's impression log, built from the shipped
 * example with the arms, order and time a test needs.
 */
export async function insertImpression(
  db: Sql,
  tenantId: string,
  opts: { createdAt?: string; arms?: ArmSpec[]; displayOrder?: ('A' | 'B')[]; reranker?: string; agent?: string; ticketId?: string } = {},
): Promise<Impression> {
  const example = readExample<Impression>('impression');
  const requestContext = readExample<{ context: TicketContext }>('suggestion-request').context;
  const arms = (opts.arms ?? example.arms).map((spec) => ({ ...example.arms.find((a) => a.slot === spec.slot) ?? example.arms[0]!, ...spec }));
  const impression = Impression.parse({
    ...example,
    id: uuidv7(),
    createdAt: opts.createdAt ?? new Date().toISOString(),
    ticket: { platform: requestContext.platform, ticketId: opts.ticketId ?? requestContext.ticketId },
    pairwise: arms.length === 2,
    arms,
    displayOrder: opts.displayOrder ?? arms.map((a) => a.slot),
    versions: { ...example.versions, reranker: opts.reranker ?? example.versions.reranker },
  });
  const context = { ...requestContext, ticketId: impression.ticket.ticketId };
  const agent = { tokenId: '', tenantId, role: 'agent' as const, name: opts.agent ?? 'agent' };
  await storeImpression(db, agent, {
    impression,
    context,
    query: context.subject ?? '',
    candidates: impression.articles.map((a) => ({ id: a.id, version: a.version, score: a.score })),
    generation: [],
  });
  return impression;
}
