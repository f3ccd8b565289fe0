import { createHash, randomUUID } from 'node:crypto';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import {
  DEFAULT_ADOPTION_THRESHOLDS,
  Impression,
  TicketContext,
  type AdoptionOutcome,
  type MissingKnowledgePayload,
  type Annotation,
  type RelevanceLabel,
} from '../../../lib/contract';
import { storeAnnotations } from '../../src/annotations/store';
import type { Auth } from '../../src/auth/tokens';
import { createToken } from '../../src/auth/tokens';
import type { Database } from '../../src/db/database';
import { storeImpression } from '../../src/suggestions/impressions';

/** Where a fixture's ids come from: random by default, or seeded so that a build's bytes can be stored. */
export interface FixtureIds {
  /** A time-ordered id for a record created at `ms` (the random source uses the wall clock instead, like clients). */
  timed(ms: number): string;
  random(): string;
}

const RANDOM_IDS: FixtureIds = { timed: () => uuidv7(), random: () => randomUUID() };

/** Ids from a seeded generator of bytes in [0, 256): the same seed gives the same ids on every run. */
export function seededIds(byte: () => number): FixtureIds {
  const bytes = () => Uint8Array.from({ length: 16 }, byte);
  return { timed: (msecs) => uuidv7({ msecs, random: bytes() }), random: () => uuidv4({ random: bytes() }) };
}

const SIMILARITY: Record<Exclude<AdoptionOutcome, 'not_used'>, number> = { as_is: 0.99, light_edit: 0.9, heavy_edit: 0.5, discarded: 0.1 };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export interface ArticleRef {
  id: string;
  version: number;
  title: string;
}

/**
 * Writes a tenant's flywheel data the way the suggestion engine and the sync API do: knowledge
 * articles with every version, impressions (`body` validated as the contract's Impression, `context`
 * as its TicketContext) and annotations through the real sync store.
 */
export class Flywheel {
  private clock = Date.parse('2026-11-02T09:00:00Z');
  readonly clientId: string;

  private constructor(
    readonly db: Database,
    readonly tenantId: string,
    private readonly auth: Auth,
    private readonly ids: FixtureIds,
  ) {
    this.clientId = ids.random();
  }

  static async create(db: Database, tenantId = `fw-${randomUUID().slice(0, 8)}`, agent = 'agent-1', ids = RANDOM_IDS): Promise<Flywheel> {
    const { id } = await createToken(db, { tenantId, role: 'agent', name: agent });
    return new Flywheel(db, tenantId, { tokenId: id, tenantId, role: 'agent', name: agent }, ids);
  }

  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  async article(title: string, body: string): Promise<ArticleRef> {
    const id = this.ids.random();
    await this.db.query(
      `INSERT INTO knowledge_articles (tenant_id, id, source, external_id, version, title, body, url, content_hash) VALUES ($1, $2, 'markdown', $3, 1, $4, $5, NULL, $6)`,
      [this.tenantId, id, id.slice(0, 8), title, body, sha(body)],
    );
    await this.db.query(
      `INSERT INTO knowledge_article_versions (tenant_id, article_id, version, title, body, url, content_hash) VALUES ($1, $2, 1, $3, $4, NULL, $5)`,
      [this.tenantId, id, title, body, sha(body)],
    );
    return { id, version: 1, title };
  }

  /** A new version of the article (the old one is superseded). */
  async supersede(article: ArticleRef, body: string): Promise<ArticleRef> {
    const version = article.version + 1;
    await this.db.query('UPDATE knowledge_articles SET version = $3, body = $4, content_hash = $5, updated_at = now() WHERE tenant_id = $1 AND id = $2', [
      this.tenantId,
      article.id,
      version,
      body,
      sha(body),
    ]);
    await this.db.query(
      `INSERT INTO knowledge_article_versions (tenant_id, article_id, version, title, body, url, content_hash) VALUES ($1, $2, $3, $4, $5, NULL, $6)`,
      [this.tenantId, article.id, version, article.title, body, sha(body)],
    );
    return { ...article, version };
  }

  async impression(input: {
    ticketId: string;
    customer: string;
    subject?: string;
    requester?: { name: string };
    arms: { A: string; B?: string };
    articles: ArticleRef[];
    /** Articles each arm cites (default: the first shown). */
    cites?: ArticleRef[];
    /** The thread after the customer's first message (default: one internal note). */
    thread?: { role: 'customer' | 'agent' | 'bot' | 'internal'; text: string }[];
  }): Promise<Impression> {
    const createdAt = this.tick();
    const context = TicketContext.parse({
      platform: 'zendesk',
      ticketId: input.ticketId,
      subject: input.subject ?? `Ticket ${input.ticketId}`,
      ...(input.requester && { requester: input.requester }),
      messages: [
        { role: 'customer', text: input.customer, at: createdAt },
        ...(input.thread ?? [{ role: 'internal', text: 'Checked the account, nothing unusual.' }]),
      ],
    });
    const cited = (input.cites ?? input.articles.slice(0, 1)).map((a) => a.id);
    const arms = (['A', 'B'] as const)
      .filter((slot) => input.arms[slot] !== undefined)
      .map((slot) => ({
        slot,
        armId: slot === 'A' ? 'extractive' : 'gpt-support',
        provider: slot === 'A' ? ('extractive' as const) : ('openai' as const),
        model: slot === 'A' ? 'extractive-v1' : 'gpt-4o-mini',
        promptVersion: 'support-reply-3',
        text: input.arms[slot]!,
        citedArticleIds: cited,
      }));
    const impression = Impression.parse({
      id: this.ids.timed(Date.parse(createdAt)),
      createdAt,
      ticket: { platform: 'zendesk', ticketId: input.ticketId },
      pairwise: arms.length === 2,
      arms,
      displayOrder: arms.map((a) => a.slot),
      articles: input.articles.map((a, i) => ({
        id: a.id,
        externalId: a.id.slice(0, 8),
        version: a.version,
        title: a.title,
        snippet: `${a.title} (snippet)`,
        url: null,
        score: 10 - i,
        rank: i + 1,
      })),
      versions: { retriever: 'bm25-1', reranker: 'rerank-1', kb: 'kb-1' },
      degraded: [],
    });
    await storeImpression(this.db, this.auth, {
      impression,
      context,
      query: input.customer,
      candidates: input.articles.map((a, i) => ({ id: a.id, version: a.version, score: 10 - i })),
      generation: [],
    });
    return impression;
  }

  private envelope(impression: Impression) {
    const createdAt = this.tick();
    return { id: this.ids.timed(Date.parse(createdAt)), schemaVersion: 1 as const, createdAt, clientId: this.clientId, ticket: impression.ticket, impressionId: impression.id };
  }

  adoption(impression: Impression, outcome: AdoptionOutcome, sentText: string | null, slot: 'A' | 'B' = 'A'): Annotation {
    const used = outcome !== 'not_used';
    return {
      ...this.envelope(impression),
      type: 'adoption',
      payload: { outcome, slot: used ? slot : null, similarity: used ? SIMILARITY[outcome] : null, thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText, channel: 'public' },
    };
  }

  preference(impression: Impression, verdict: 'A' | 'B' | 'tie' | 'both_bad', strength: 'slight' | 'clear' | 'strong' = 'clear'): Annotation {
    const wins = verdict === 'A' || verdict === 'B';
    return { ...this.envelope(impression), type: 'preference', payload: { verdict, ...(wins && { strength }), shownOrder: ['A', 'B'] } };
  }

  relevance(impression: Impression, article: ArticleRef, label: RelevanceLabel): Annotation {
    const shown = impression.articles.find((a) => a.id === article.id)!;
    return { ...this.envelope(impression), type: 'relevance', payload: { articleId: article.id, articleVersion: shown.version, rank: shown.rank, label } };
  }

  missing(impression: Impression, description: string, category: MissingKnowledgePayload['category'] = 'how_to'): Annotation {
    return { ...this.envelope(impression), type: 'missing_knowledge', payload: { description, category, suggestedTitle: description.slice(0, 60) } };
  }

  /** Stores annotations through the sync path, in order (their arrival order is their `seq`). */
  async sync(...annotations: Annotation[]): Promise<void> {
    const results = await storeAnnotations(this.db, this.auth, this.clientId, annotations);
    const bad = results.find((r) => r.status !== 'stored');
    if (bad) throw new Error(`fixture annotation ${bad.index} was ${bad.status}: ${bad.error?.message}`);
  }
}
