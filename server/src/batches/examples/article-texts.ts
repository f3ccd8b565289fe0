import type { ShownArticle } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import { textCache } from './text-cache';

export interface ArticleText {
  title: string;
  body: string;
}

const articleKey = (a: { id: string; version: number }) => `${a.id.toLowerCase()}@${a.version}`;

/**
 * The text each shown article had at the version the agent saw, from knowledge_article_versions
 * (the impression only carries a snippet). Falls back to the snippet when the version is unknown.
 * The texts of the page last loaded are held until the next load; the cache only saves queries.
 */
export class KnowledgeTexts {
  private page = new Map<string, ArticleText>();

  constructor(
    private readonly db: Database,
    private readonly tenantId: string,
    private readonly cache = textCache<ArticleText>(4000, 16_000_000, (_key, t) => t.title.length + t.body.length),
  ) {}

  /** One for a phase that runs beside this one's: the same cache, but its own loaded page (`text` answers from the last `load`). */
  sibling(): KnowledgeTexts {
    return new KnowledgeTexts(this.db, this.tenantId, this.cache);
  }

  async load(articles: readonly { id: string; version: number }[]): Promise<void> {
    const page = new Map<string, ArticleText>();
    const missing = new Map<string, { id: string; version: number }>();
    for (const a of articles) {
      const key = articleKey(a);
      if (page.has(key) || missing.has(key)) continue;
      const hit = this.cache.get(key);
      if (hit) page.set(key, hit);
      else missing.set(key, a);
    }
    if (missing.size > 0) {
      const { rows } = await this.db.query<{ id: string; version: number; title: string; body: string }>(
        `SELECT v.article_id::text AS id, v.version, v.title, v.body
           FROM knowledge_article_versions v
           JOIN unnest($2::uuid[], $3::int[]) AS w(id, version) ON v.article_id = w.id AND v.version = w.version
          WHERE v.tenant_id = $1`,
        [this.tenantId, [...missing.values()].map((a) => a.id), [...missing.values()].map((a) => a.version)],
      );
      for (const r of rows) {
        const text = { title: r.title, body: r.body };
        this.cache.set(articleKey(r), text);
        page.set(articleKey(r), text);
      }
    }
    this.page = page;
  }

  /** Call `load` first for the articles of a page. */
  text(article: Pick<ShownArticle, 'id' | 'version' | 'title' | 'snippet'>): ArticleText {
    return this.page.get(articleKey(article)) ?? { title: article.title, body: article.snippet };
  }
}

export type CurrentArticles = Map<string, { version: number; retired: boolean }>;

/**
 * Current version and retirement of every article of the tenant, loaded once per build. Its size
 * follows the knowledge base, not the number of annotations.
 */
export async function loadCurrentArticles(db: Database, tenantId: string): Promise<CurrentArticles> {
  const { rows } = await db.query<{ id: string; version: number; retired: boolean }>(
    'SELECT id::text AS id, version, retired_at IS NOT NULL AS retired FROM knowledge_articles WHERE tenant_id = $1',
    [tenantId],
  );
  return new Map(rows.map((r) => [r.id, { version: r.version, retired: r.retired }]));
}

/** True when the article version an example rests on has since been superseded or retired. */
export function isSuperseded(current: CurrentArticles, id: string, version: number): boolean {
  const now = current.get(id.toLowerCase());
  return now !== undefined && (now.retired || now.version > version);
}
