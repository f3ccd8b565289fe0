import type { Sql } from '../db/database';

/** A live article as a sent reply can name it: by its URL, or by its external id. */
export interface LinkableArticle {
  id: string;
  externalId: string;
  url: string | null;
}

const URL_PATTERN = /https?:\/\/[^\s<>"'()\[\]{}]+/gi;
/** Tokens that could be an external id: ids with a digit or a hyphen, so "refund" is never an id. */
const ID_TOKEN = /[A-Za-z0-9][A-Za-z0-9_.-]{2,}[A-Za-z0-9]/g;
/** Zendesk's article URLs carry the numeric id before a slug: /articles/360001234-Reset-your-hub. */
const ZENDESK_ARTICLE = /\/articles\/(\d+)/;

/** Scheme and host lower-cased, query, fragment and trailing slashes or punctuation dropped. */
export function normaliseUrl(url: string): string {
  const trimmed = url.replace(/[.,;:!?]+$/, '');
  try {
    const u = new URL(trimmed);
    return `${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return trimmed.toLowerCase();
  }
}

/**
 * Finds the live articles an agent linked in the reply they sent: the strongest evidence there is
 * that an article answers a ticket, often for one that was not among the shown.
 */
export class ArticleLinkIndex {
  private readonly byUrl = new Map<string, string>();
  private readonly byExternalId = new Map<string, string>();

  constructor(articles: LinkableArticle[]) {
    for (const a of articles) {
      if (a.url) this.byUrl.set(normaliseUrl(a.url), a.id);
      if (/[\d-]/.test(a.externalId)) this.byExternalId.set(a.externalId.toLowerCase(), a.id);
    }
  }

  static async load(db: Sql, tenantId: string): Promise<ArticleLinkIndex> {
    const { rows } = await db.query<LinkableArticle>(
      `SELECT id::text AS id, external_id AS "externalId", url FROM knowledge_articles WHERE tenant_id = $1 AND retired_at IS NULL`,
      [tenantId],
    );
    return new ArticleLinkIndex(rows);
  }

  /** Article ids linked in the text, in order of first mention, each once. */
  linked(text: string): string[] {
    const found: string[] = [];
    const add = (id: string | undefined) => {
      if (id && !found.includes(id)) found.push(id);
    };
    for (const match of text.matchAll(URL_PATTERN)) {
      const url = match[0];
      add(this.byUrl.get(normaliseUrl(url)));
      const zendesk = ZENDESK_ARTICLE.exec(url);
      if (zendesk) add(this.byExternalId.get(zendesk[1]!));
    }
    for (const match of text.replace(URL_PATTERN, ' ').matchAll(ID_TOKEN)) add(this.byExternalId.get(match[0].toLowerCase()));
    return found;
  }
}
