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

/** How the agents reach the API: the app in process (tests, bench) or a running server over HTTP (the demo). */
export type ApiClient = (path: string, payload: unknown) => Promise<{ status: number; body: string }>;

export const injectClient = (app: FastifyInstance, headers: Record<string, string>): ApiClient => async (url, payload) => {
  const res = await app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
  return { status: res.statusCode, body: res.body };
};

export const httpClient = (server: string, token: string): ApiClient => async (path, payload) => {
  const res = await fetch(new URL(path, server), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  return { status: res.status, body: await res.text() };
};

export interface SimulationStats {
  tickets: number;
  relevance: number;
  links: number;
}

export async function simulateAgents(
  api: ApiClient,
  /** Article URLs by external id: what an agent would find by searching the help centre. */
  urls: Map<string, string | null>,
  tickets: LabelledTicket[],
  options: SimulationOptions = DEFAULT_SIMULATION,
): Promise<SimulationStats> {
  const random = seeded(options.seed);
  const clientId = randomUUID();
  const stats: SimulationStats = { tickets: 0, relevance: 0, links: 0 };
  for (const ticket of tickets) {
    if (ticket.relevant.length === 0) continue;
    const context = { platform: 'zendesk' as const, ticketId: ticket.ticketId, subject: ticket.subject, messages: ticket.messages };
    const res = await api('/v1/suggestions', { context, pairwise: false });
    if (res.status !== 200) throw new Error(`suggestion for ticket ${ticket.ticketId} failed: ${res.status} ${res.body}`);
    const impression = Impression.parse(JSON.parse(res.body));
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
    const sync = await api('/v1/sync', { clientId, annotations });
    if (sync.status !== 200) throw new Error(`sync for ticket ${ticket.ticketId} failed: ${sync.status} ${sync.body}`);
    stats.tickets++;
  }
  return stats;
}

/** Article URLs of a tenant's live articles, by external id. */
export async function articleUrls(db: Database, tenantId: string): Promise<Map<string, string | null>> {
  const { rows } = await db.query<{ external_id: string; url: string | null }>(
    'SELECT external_id, url FROM knowledge_articles WHERE tenant_id = $1 AND retired_at IS NULL',
    [tenantId],
  );
  return new Map(rows.map((r) => [r.external_id, r.url]));
}
