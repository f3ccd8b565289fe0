import { createHash } from 'node:crypto';
import type { AdoptionOutcome, ChatMessage, Impression, Provenance, ShownArticle, TicketContext } from '../../../lib/contract';
import type { Database } from '../db/database';
import { detectPii, RowRedactor, type PiiSpan } from '../redaction/pii';

/** Who wrote the reply an agent sent, from how much it differs from the inserted suggestion. */
export function replyProvenance(outcome: AdoptionOutcome): Provenance {
  switch (outcome) {
    case 'as_is':
      return 'model_unedited';
    case 'light_edit':
      return 'model_light_edit';
    case 'heavy_edit':
      return 'model_heavy_edit';
    case 'discarded': // the sent text is not derived from the suggestion
    case 'not_used':
      return 'agent_written';
  }
}

/** A number in [0, 1) from a hash of the parts: the basis of every sampling decision, so builds repeat. */
export function hashRank(...parts: string[]): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return (h.readUInt32BE(0) * 2 ** 21 + (h.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

/** A ticket's pseudonym in batch files: enough to group and trace, not the helpdesk id. */
export const ticketPseudonym = (tenantId: string, platform: string, ticketId: string) =>
  createHash('sha256').update(`${tenantId}:${platform}:${ticketId}`).digest('hex').slice(0, 16);

export interface ArticleText {
  title: string;
  body: string;
}

/**
 * A least-recently-used cache: repeated texts (articles, ticket threads) are looked up and scanned
 * once. Bounded by entries and by a weight (e.g. characters), so long texts cannot blow memory up.
 */
export class Lru<V> {
  private readonly map = new Map<string, { value: V; weight: number }>();
  private weight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight = Infinity,
    private readonly weigh: (key: string, value: V) => number = () => 0,
  ) {}

  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (hit === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V): void {
    const old = this.map.get(key);
    if (old) {
      this.weight -= old.weight;
      this.map.delete(key);
    }
    const weight = this.weigh(key, value);
    this.map.set(key, { value, weight });
    this.weight += weight;
    while (this.map.size > this.maxEntries || (this.weight > this.maxWeight && this.map.size > 1)) {
      const [oldest, entry] = this.map.entries().next().value!;
      this.map.delete(oldest);
      this.weight -= entry.weight;
    }
  }
}

/**
 * The text each shown article had at the version the agent saw, from knowledge_article_versions
 * (the impression only carries a snippet). Falls back to the snippet when the version is unknown.
 */
export class KnowledgeTexts {
  private readonly cache = new Lru<ArticleText>(4000, 16_000_000, (_key, t) => t.title.length + t.body.length);
  constructor(
    private readonly db: Database,
    private readonly tenantId: string,
  ) {}

  async load(articles: readonly { id: string; version: number }[]): Promise<void> {
    const missing = articles.filter((a) => this.cache.get(`${a.id.toLowerCase()}@${a.version}`) === undefined);
    if (missing.length === 0) return;
    const { rows } = await this.db.query<{ id: string; version: number; title: string; body: string }>(
      `SELECT v.article_id::text AS id, v.version, v.title, v.body
         FROM knowledge_article_versions v
         JOIN unnest($2::uuid[], $3::int[]) AS w(id, version) ON v.article_id = w.id AND v.version = w.version
        WHERE v.tenant_id = $1`,
      [this.tenantId, missing.map((a) => a.id), missing.map((a) => a.version)],
    );
    for (const r of rows) this.cache.set(`${r.id}@${r.version}`, { title: r.title, body: r.body });
  }

  /** Call `load` first for the articles of a page. */
  text(article: Pick<ShownArticle, 'id' | 'version' | 'title' | 'snippet'>): ArticleText {
    return this.cache.get(`${article.id.toLowerCase()}@${article.version}`) ?? { title: article.title, body: article.snippet };
  }
}

/**
 * Current version and retirement of every article of the tenant, loaded once per build. Its size
 * follows the knowledge base, not the number of annotations.
 */
export async function loadCurrentArticles(db: Database, tenantId: string): Promise<Map<string, { version: number; retired: boolean }>> {
  const { rows } = await db.query<{ id: string; version: number; retired: boolean }>(
    'SELECT id::text AS id, version, retired_at IS NOT NULL AS retired FROM knowledge_articles WHERE tenant_id = $1',
    [tenantId],
  );
  return new Map(rows.map((r) => [r.id, { version: r.version, retired: r.retired }]));
}

/** True when the article version an example rests on has since been superseded or retired. */
export function isSuperseded(current: Map<string, { version: number; retired: boolean }>, id: string, version: number): boolean {
  const now = current.get(id.toLowerCase());
  return now !== undefined && (now.retired || now.version > version);
}

/** A text of a row with its PII spans (found once per distinct text, see Redaction). */
interface Scanned {
  text: string;
  spans: PiiSpan[];
}

/** Scans texts for PII, caching the ones that repeat across rows (ticket threads, articles, arm replies). */
export class Redaction {
  readonly counts: Record<string, number> = {};
  // Keyed by the text itself; at most ~16M characters of keys (~32 MB) are kept.
  private readonly cache = new Lru<PiiSpan[]>(8000, 16_000_000, (text) => text.length);

  async scan(text: string, cache = true): Promise<Scanned> {
    if (!cache) return { text, spans: await detectPii(text) };
    let spans = this.cache.get(text);
    if (!spans) {
      spans = await detectPii(text);
      this.cache.set(text, spans);
    }
    return { text, spans };
  }

  /** A redactor for one row: placeholders are consistent within it and restart for the next. */
  row(): RowRedactor {
    return new RowRedactor(this.counts);
  }
}

/** The prompt's parts before redaction: what the arm saw. */
export interface PromptParts {
  system: Scanned[];
  turns: { role: 'user' | 'assistant'; texts: Scanned[] }[];
}

const SYSTEM_INTRO = 'You are a customer support agent. Reply to the customer, using the knowledge articles below where they apply.';

/**
 * The prompt an arm answered, rebuilt from the impression: the articles shown (at the version
 * shown, cut to `articleChars`), the ticket subject and internal notes as system context, then the
 * conversation as chat turns (customer -> user, agent and bot -> assistant), consecutive turns of
 * one role merged so strict chat templates accept them.
 */
export async function promptParts(
  redaction: Redaction,
  knowledge: KnowledgeTexts,
  impression: Impression,
  context: TicketContext | null,
  articleChars: number,
): Promise<PromptParts> {
  const system: Scanned[] = [await redaction.scan(SYSTEM_INTRO)];
  const articles = [...impression.articles].sort((a, b) => a.rank - b.rank);
  for (const [i, a] of articles.entries()) {
    const t = knowledge.text(a);
    system.push(await redaction.scan(`\n\n[${i + 1}] ${t.title}\n${t.body.slice(0, articleChars)}`));
  }
  if (context?.subject) system.push(await redaction.scan(`\n\nTicket subject: ${context.subject}`));
  const turns: PromptParts['turns'] = [];
  for (const m of context?.messages ?? []) {
    if (m.text.trim() === '') continue;
    if (m.role === 'internal') {
      system.push(await redaction.scan(`\n\nInternal note: ${m.text}`));
      continue;
    }
    const role = m.role === 'agent' || m.role === 'bot' ? 'assistant' : 'user';
    const last = turns.at(-1);
    if (last?.role === role) last.texts.push(await redaction.scan(`\n\n${m.text}`));
    else turns.push({ role, texts: [await redaction.scan(m.text)] });
  }
  return { system, turns };
}

/** The prompt as chat messages, redacted with the row's redactor. */
export function promptMessages(parts: PromptParts, row: RowRedactor): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: parts.system.map((s) => row.apply(s.text, s.spans)).join('') }];
  for (const t of parts.turns) messages.push({ role: t.role, content: t.texts.map((s) => row.apply(s.text, s.spans)).join('') });
  return messages;
}

/** The customer's question for retrieval rows: the subject and the last customer message. */
export function ticketQuery(context: TicketContext | null): string {
  const lastCustomer = [...(context?.messages ?? [])].reverse().find((m) => m.role === 'customer' && m.text.trim() !== '');
  return [context?.subject, lastCustomer?.text].filter((s): s is string => !!s && s.trim() !== '').join('\n');
}
