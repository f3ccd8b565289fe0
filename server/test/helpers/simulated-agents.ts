import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { ANNOTATION_SCHEMA_VERSION, DEFAULT_ADOPTION_THRESHOLDS, Impression, type Annotation, type LabelledTicket } from '../../../lib/contract';
import type { Database } from '../../src/db/database';

/**
 * Simulated agents for the flywheel's bench, demo and end-to-end test: they open each ticket
 * through `/v1/suggestions`, judge every shown article against the ticket's labels (a share
 * `noise` of judgements flipped, as tired humans do), and, when the right article was not shown,
 * sometimes find it themselves and link it in the reply they send. Everything goes through
 * `/v1/sync`, as the extension sends it. Simulated labels, said openly wherever they are used.
 */
export interface SimulationOptions {
  noise: number;
  /** Share of missed relevant articles the agent finds and links in the sent reply. */
  linkShare: number;
  seed: number;
}

export const DEFAULT_SIMULATION: SimulationOptions = { noise: 0.1, linkShare: 0.5, seed: 7 };

/** A small seeded generator (mulberry32): the same seed gives the same agents. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimulationStats {
  tickets: number;
  relevance: number;
  links: number;
}

export async function simulateAgents(
  app: FastifyInstance,
  db: Database,
  agent: { headers: Record<string, string>; tenantId: string },
  tickets: LabelledTicket[],
  options: SimulationOptions = DEFAULT_SIMULATION,
): Promise<SimulationStats> {
  const random = seeded(options.seed);
  const { rows } = await db.query<{ external_id: string; url: string | null }>(
    'SELECT external_id, url FROM knowledge_articles WHERE tenant_id = $1 AND retired_at IS NULL',
    [agent.tenantId],
  );
  const urls = new Map(rows.map((r) => [r.external_id, r.url]));
  const clientId = randomUUID();
  const stats: SimulationStats = { tickets: 0, relevance: 0, links: 0 };
  for (const ticket of tickets) {
    if (ticket.relevant.length === 0) continue;
    const context = { platform: 'zendesk' as const, ticketId: ticket.ticketId, subject: ticket.subject, messages: ticket.messages };
    const res = await app.inject({ method: 'POST', url: '/v1/suggestions', headers: agent.headers, payload: { context, pairwise: false } });
    if (res.statusCode !== 200) throw new Error(`suggestion for ticket ${ticket.ticketId} failed: ${res.statusCode} ${res.body}`);
    const impression = Impression.parse(res.json());
    const relevant = new Set(ticket.relevant);
    const envelope = () => ({
      id: uuidv7(),
      schemaVersion: ANNOTATION_SCHEMA_VERSION,
      createdAt: new Date().toISOString(),
      clientId,
      ticket: impression.ticket,
      impressionId: impression.id,
      elapsedMs: 20_000,
    });
    const annotations: Annotation[] = impression.articles.map((a) => {
      const truth = relevant.has(a.externalId);
      const judged = random() < options.noise ? !truth : truth;
      return { ...envelope(), type: 'relevance', payload: { articleId: a.id, articleVersion: a.version, rank: a.rank, label: judged ? 'relevant' : 'irrelevant' } } as Annotation;
    });
    stats.relevance += annotations.length;
    const shown = new Set(impression.articles.map((a) => a.externalId));
    const missed = ticket.relevant.filter((id) => !shown.has(id) && urls.get(id));
    const linked = missed.filter(() => random() < options.linkShare);
    if (linked.length > 0) {
      stats.links += linked.length;
      const sentText = `Hi, thanks for getting in touch. This should help: ${linked.map((id) => urls.get(id)).join(' and ')}\nLet us know if anything is unclear.`;
      annotations.push({
        ...envelope(),
        type: 'adoption',
        payload: { outcome: 'not_used', slot: null, similarity: null, thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText, channel: 'public' },
      } as Annotation);
    }
    const sync = await app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload: { clientId, annotations } });
    if (sync.statusCode !== 200) throw new Error(`sync for ticket ${ticket.ticketId} failed: ${sync.statusCode} ${sync.body}`);
    stats.tickets++;
  }
  return stats;
}
