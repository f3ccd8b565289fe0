/**
 * A large tenant for the metrics and dashboard benches: ANNOTATIONS annotations over twelve weeks
 * of impressions (per impression: its relevance labels, an adoption, a preference), stored through
 * the same store the API uses. Seeded (rng 9), so two commits measure the same rows.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_ADOPTION_THRESHOLDS, type Annotation } from '../lib/contract';
import { storeAnnotations } from '../server/src/annotations/store';
import { createToken } from '../server/src/auth/tokens';
import type { Database } from '../server/src/db/database';
import { makeAnnotation } from '../server/test/helpers/annotations';
import { insertImpression } from '../server/test/helpers/impressions';
import { rng } from './realistic-annotations';

const WEEKS = 12;
const OUTCOMES = ['as_is', 'light_edit', 'heavy_edit', 'discarded', 'not_used'] as const;
const SIMILARITY = { as_is: 0.99, light_edit: 0.9, heavy_edit: 0.5, discarded: 0.1, not_used: null } as const;
const LABELS = ['relevant', 'partial', 'irrelevant', 'outdated'] as const;
const VERDICTS = ['A', 'B', 'tie', 'both_bad'] as const;

/** Seeds `tenantId` (tokens: an agent who annotates, an operator who reads) and returns the operator's token. */
export async function seedMetricsTenant(db: Database, tenantId: string, annotations: number, agents = 1): Promise<{ operator: string; annotations: number }> {
  const operator = (await createToken(db, { tenantId, role: 'operator', name: 'bench-ops' })).token;
  const auths: { auth: { tokenId: string; tenantId: string; role: 'agent'; name: string }; clientId: string; pending: Annotation[] }[] = [];
  for (let k = 0; k < agents; k++) {
    const name = `bench-agent-${k}`;
    const agent = await createToken(db, { tenantId, role: 'agent', name });
    auths.push({ auth: { tokenId: agent.id, tenantId, role: 'agent' as const, name }, clientId: randomUUID(), pending: [] as Annotation[] });
  }
  const r = rng(9);
  const now = Date.now();
  const span = WEEKS * 7 * 86_400_000;
  const impressions = Math.ceil(annotations / 4);
  const flush = async (who: (typeof auths)[number]) => {
    const results = await storeAnnotations(db, who.auth, who.clientId, who.pending);
    const refused = results.filter((x) => x.status !== 'stored');
    if (refused.length > 0) throw new Error(`seeding refused: ${JSON.stringify(refused[0])}`);
    who.pending = [];
  };
  for (let i = 0; i < impressions; i++) {
    const who = auths[i % agents]!;
    const shownAt = now - span + Math.floor((i / impressions) * (span - 3_600_000));
    const imp = await insertImpression(db, tenantId, {
      createdAt: new Date(shownAt).toISOString(),
      arms: [{ slot: 'A', armId: 'extractive', model: 'extractive-v1', promptVersion: 'concise-1' }, { slot: 'B', armId: 'gpt', model: 'gpt-4o-mini', promptVersion: 'support-3' }],
      displayOrder: r() < 0.5 ? ['A', 'B'] : ['B', 'A'],
      reranker: i < impressions / 2 ? 'rerank-1' : 'rerank-2',
      ticketId: String(100_000 + i),
      agent: who.auth.name,
    });
    const base = (minutes: number) => ({ ...makeAnnotation('relevance', who.clientId), ticket: imp.ticket, impressionId: imp.id, createdAt: new Date(shownAt + minutes * 60_000).toISOString(), elapsedMs: 1000 + Math.floor(r() * 20_000) });
    for (const article of imp.articles) {
      who.pending.push({ ...base(1), type: 'relevance', payload: { articleId: article.id, articleVersion: article.version, rank: article.rank, label: LABELS[Math.floor(r() * 4)]! } } as Annotation);
    }
    const outcome = OUTCOMES[Math.floor(r() * OUTCOMES.length)]!;
    who.pending.push({ ...base(5), type: 'adoption', payload: { outcome, slot: outcome === 'not_used' ? null : r() < 0.5 ? 'A' : 'B', similarity: SIMILARITY[outcome], thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: 'sent' } } as Annotation);
    const verdict = VERDICTS[Math.floor(r() * 4)]!;
    who.pending.push({ ...base(2), type: 'preference', payload: { verdict, ...(verdict === 'A' || verdict === 'B' ? { strength: 'clear' } : {}), shownOrder: imp.displayOrder } } as Annotation);
    if (who.pending.length >= 500) await flush(who);
  }
  for (const who of auths) if (who.pending.length > 0) await flush(who);
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM annotations WHERE tenant_id = $1', [tenantId]);
  return { operator, annotations: rows[0]!.n };
}
