import { randomUUID } from 'node:crypto';
import { DEFAULT_ADOPTION_THRESHOLDS, type Annotation, type Impression } from '../../lib/contract';
import { storeAnnotations } from '../../server/src/annotations/store';
import { createToken } from '../../server/src/auth/tokens';
import type { Database } from '../../server/src/db/database';
import { insertModelVersion, promote } from '../../server/src/models/store';
import { makeAnnotation } from '../../server/test/helpers/annotations';
import { insertImpression } from '../../server/test/helpers/impressions';

const X = { armId: 'extractive', model: 'extractive-v1', promptVersion: 'concise-1' };
const Y = { armId: 'gpt', model: 'gpt-4o-mini', promptVersion: 'support-3' };
const OUTCOMES = ['as_is', 'light_edit', 'heavy_edit', 'discarded', 'not_used'] as const;
const LABELS = ['relevant', 'partial', 'irrelevant', 'outdated'] as const;
// The extractive arm (A) wins more often than the other, so the arms' lines part.
const VERDICTS = ['A', 'B', 'A', 'tie', 'both_bad'] as const;
/** Inside each outcome's band under the default thresholds. */
const SIMILARITY = { as_is: 0.99, light_edit: 0.9, heavy_edit: 0.5, discarded: 0.1, not_used: null } as const;

export const REASON = 'seeded <img src=x onerror="document.title=1"><script>document.title=2</script>';

/** Monday 00:00 UTC of the ISO week `weeksAgo` weeks before this one. */
function monday(weeksAgo: number): number {
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return today - ((now.getUTCDay() + 6) % 7) * 86_400_000 - weeksAgo * 7 * 86_400_000;
}

/**
 * A tenant with four weeks of two-arm suggestions that agents adopted, labelled and compared
 * (more each week, so the charts have a shape), and one reranker promotion this week.
 */
export async function seedFlywheel(db: Database, tenantId: string): Promise<{ operator: string; agent: string }> {
  const agent = await createToken(db, { tenantId, role: 'agent', name: 'jane' });
  const operator = await createToken(db, { tenantId, role: 'operator', name: 'ops' });
  const auth = { tokenId: agent.id, tenantId, role: 'agent' as const, name: 'jane' };
  const clientId = randomUUID();
  const annotations: Annotation[] = [];
  // A second agent re-labels some of the same articles on the same tickets: agreement to measure.
  const omar = await createToken(db, { tenantId, role: 'agent', name: 'omar' });
  const omarClient = randomUUID();
  const second: Annotation[] = [];
  for (let weeksAgo = 3; weeksAgo >= 0; weeksAgo--) {
    const count = 6 + (3 - weeksAgo) * 2;
    for (let i = 0; i < count; i++) {
      // Early in the week, so this week's rows are already in the past.
      const shownAt = monday(weeksAgo) + i * 600_000;
      const imp: Impression = await insertImpression(db, tenantId, {
        createdAt: new Date(shownAt).toISOString(),
        arms: [{ slot: 'A', ...X }, { slot: 'B', ...Y }],
        // Sides swap every four suggestions, against the verdict cycle, so left and right both win.
        displayOrder: (i >> 2) % 2 ? ['B', 'A'] : ['A', 'B'],
        reranker: weeksAgo > 1 ? 'rerank-1' : 'rerank-2',
        ticketId: `${weeksAgo}-${i}`,
      });
      const at = (minutes: number) => new Date(shownAt + minutes * 60_000).toISOString();
      const base = (minutes: number, elapsedMs: number) => ({ ...makeAnnotation('relevance', clientId), ticket: imp.ticket, impressionId: imp.id, createdAt: at(minutes), elapsedMs });
      // Later weeks adopt more: shift the outcome cycle towards as_is.
      const outcome = OUTCOMES[(i + weeksAgo) % OUTCOMES.length]!;
      const slot = outcome === 'not_used' ? null : i % 3 === 0 ? 'B' : 'A';
      annotations.push({
        ...base(5, 30_000),
        type: 'adoption',
        payload: { outcome, slot, similarity: SIMILARITY[outcome], thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: 'sent' },
      } as Annotation);
      const label = LABELS[(i + weeksAgo) % (weeksAgo > 1 ? 4 : 3)]!;
      annotations.push({
        ...base(1, 8_000),
        type: 'relevance',
        // rerank-2 (the last two weeks) shows no outdated articles, so the versions' lines part.
        payload: { articleId: imp.articles[0]!.id, articleVersion: imp.articles[0]!.version, rank: 1, label },
      } as Annotation);
      if (weeksAgo <= 1) {
        second.push({
          ...makeAnnotation('relevance', omarClient),
          ticket: imp.ticket,
          impressionId: imp.id,
          createdAt: at(3),
          payload: { articleId: imp.articles[0]!.id, articleVersion: imp.articles[0]!.version, rank: 1, label: i % 3 === 0 ? 'irrelevant' : label },
        } as Annotation);
      }
      const verdict = VERDICTS[i % VERDICTS.length]!;
      if (weeksAgo <= 1) {
        // Omar also judges the same pair of replies, disagreeing now and then: preference agreement.
        const his = i % 4 === 0 ? (verdict === 'A' ? 'B' : 'A') : verdict;
        second.push({
          ...makeAnnotation('preference', omarClient),
          ticket: imp.ticket,
          impressionId: imp.id,
          createdAt: at(4),
          payload: { verdict: his, ...(his === 'A' || his === 'B' ? { strength: 'clear' } : {}), shownOrder: imp.displayOrder },
        } as Annotation);
      }
      annotations.push({
        ...base(2, i % 5 === 0 ? 900 : 9_000),
        type: 'preference',
        payload: { verdict, ...(verdict === 'A' || verdict === 'B' ? { strength: 'clear' } : {}), shownOrder: imp.displayOrder },
      } as Annotation);
    }
  }
  const results = await storeAnnotations(db, auth, clientId, annotations);
  const results2 = await storeAnnotations(db, { tokenId: omar.id, tenantId, role: 'agent', name: 'omar' }, omarClient, second);
  const refused = [...results, ...results2].filter((r) => r.status !== 'stored');
  if (refused.length > 0) throw new Error(`seeding refused annotations: ${JSON.stringify(refused.slice(0, 3))}`);
  await insertModelVersion(db, tenantId, { version: 'rerank-2', kind: 'reranker', turn: null, artefact: {}, trainedOn: {} });
  // Markup in a stored reason must show as the text it is.
  await promote(db, tenantId, 'rerank-2', { actor: 'ops', reason: REASON });
  return { operator: operator.token, agent: agent.token };
}
