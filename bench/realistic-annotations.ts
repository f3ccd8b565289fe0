import { v7 as uuidv7 } from 'uuid';
import { DEFAULT_ADOPTION_THRESHOLDS, classifyAdoption, type Annotation } from '../lib/contract';

// Deterministic pseudo-random numbers so every run ingests comparable data.
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export const SENTENCES = [
  'Thanks for reaching out about your order.',
  'I have checked your account and can see the charge from last Tuesday.',
  'Refunds to a card usually take five to ten business days to appear.',
  'You can change the delivery address from the Orders page until the parcel ships.',
  'I have escalated this to our billing team and they will reply within one business day.',
  'Could you send me a screenshot of the error message you see?',
  'Your subscription renews on the first of each month; you can cancel at any time before that.',
  'The workspace owner can transfer ownership from Settings, then Members.',
  'Please try signing out and back in after clearing the cache of the app.',
  'I am sorry for the trouble this has caused.',
];

/** Annotations shaped like real traffic: mostly relevance clicks, adoption with sent replies of a few hundred characters. */
export function realisticAnnotations(count: number, clientId: string, seed = 1): Annotation[] {
  const r = rng(seed);
  const text = (min: number, max: number) => {
    const n = min + Math.floor(r() * (max - min + 1));
    return Array.from({ length: n }, () => SENTENCES[Math.floor(r() * SENTENCES.length)]).join(' ');
  };
  const base = (ticketId: string) => ({
    id: uuidv7(),
    schemaVersion: 1 as const,
    createdAt: new Date(Date.now() - Math.floor(r() * 86_400_000)).toISOString(),
    clientId,
    ticket: { platform: r() < 0.7 ? ('zendesk' as const) : ('salesforce' as const), ticketId },
    impressionId: uuidv7(),
    elapsedMs: Math.floor(r() * 120_000),
    clientVersion: '0.1.0',
  });
  return Array.from({ length: count }, (): Annotation => {
    const ticketId = String(10_000 + Math.floor(r() * 90_000));
    const kind = r();
    if (kind < 0.45) {
      return {
        ...base(ticketId),
        type: 'relevance',
        payload: { articleId: uuidv7(), articleVersion: 1 + Math.floor(r() * 3), rank: 1 + Math.floor(r() * 8), label: (['relevant', 'partial', 'irrelevant', 'outdated'] as const)[Math.floor(r() * 4)]! },
      };
    }
    if (kind < 0.7) {
      const similarity = Math.round(r() * 1000) / 1000;
      const outcome = classifyAdoption(similarity, DEFAULT_ADOPTION_THRESHOLDS);
      return {
        ...base(ticketId),
        type: 'adoption',
        payload: {
          outcome,
          slot: r() < 0.5 ? 'A' : 'B',
          similarity,
          thresholds: DEFAULT_ADOPTION_THRESHOLDS,
          sentText: text(3, 10),
          channel: 'public',
          ...(outcome === 'heavy_edit' || outcome === 'discarded' ? { rationaleTags: ['incomplete' as const], rationaleText: text(1, 2) } : {}),
        },
      };
    }
    if (kind < 0.92) {
      const verdict = (['A', 'B', 'tie', 'both_bad'] as const)[Math.floor(r() * 4)]!;
      return {
        ...base(ticketId),
        type: 'preference',
        payload: {
          verdict,
          ...(verdict === 'A' || verdict === 'B' ? { strength: (['slight', 'clear', 'strong'] as const)[Math.floor(r() * 3)]! } : {}),
          shownOrder: r() < 0.5 ? ['A', 'B'] : ['B', 'A'],
          ...(r() < 0.3 ? { rationale: text(1, 2) } : {}),
        },
      };
    }
    return {
      ...base(ticketId),
      type: 'missing_knowledge',
      payload: { description: text(1, 3), category: 'how_to', suggestedTitle: 'How to transfer a workspace' },
    };
  });
}
