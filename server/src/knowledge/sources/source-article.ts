import { LIMITS } from '../../../../lib/contract';
import { tidyText } from '../article-text';

/** An article as read from an export, before it meets the database. */
export interface SourceArticle {
  /** The source's own id (Zendesk or RT article id, front-matter id, CSV id). */
  externalId: string;
  title: string;
  /** Clean text (HTML and Markdown already converted). */
  body: string;
  url: string | null;
  /** When the source says it was last edited, if it says. */
  sourceUpdatedAt: string | null;
  /** Where it was read, for messages: `kb/refunds.md:1`. */
  at: string;
  /** Knowledge gaps (their numbers) this article closes, when the source says so. */
  closesGaps?: number[];
}

export type SourceFormat = 'zendesk' | 'markdown' | 'csv' | 'rt';

export interface ParsedSource {
  format: SourceFormat;
  articles: SourceArticle[];
  /** Articles deliberately left out (drafts, empty bodies), with where and why. */
  skipped: string[];
}

/** The export cannot be imported; `problems` name file and line. Nothing has been written. */
export class KbImportError extends Error {
  constructor(readonly problems: string[]) {
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    super(`nothing was imported; fix these and run the import again:\n  ${shown.join('\n  ')}${more}`);
  }
}

/** Collects every problem in an export, so one run reports all of them, not just the first. */
export class Problems {
  readonly list: string[] = [];
  add(at: string, message: string) {
    this.list.push(`${at}: ${message}`);
  }
  throwIfAny() {
    if (this.list.length > 0) throw new KbImportError(this.list);
  }
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

interface RawFields {
  id: unknown;
  title: unknown;
  body: string | null;
  url: unknown;
  updatedAt: unknown;
}

/**
 * Checks the fields every format shares and returns the article, or records why not. `body` must
 * already be clean text.
 */
export function checkArticle(fields: RawFields, at: string, problems: Problems, skipped: string[]): SourceArticle | null {
  const before = problems.list.length;
  let externalId = '';
  if (typeof fields.id === 'number' && Number.isSafeInteger(fields.id)) externalId = String(fields.id);
  else if (typeof fields.id === 'string') externalId = fields.id.trim();
  if (!externalId) problems.add(at, 'the article has no id (a string or whole number); the source id is how re-imports recognise it');
  else if (externalId.length > 256) problems.add(at, `id "${externalId.slice(0, 40)}…" is longer than 256 characters`);

  const title = typeof fields.title === 'string' ? tidyText(fields.title).replace(/\s+/g, ' ') : '';
  if (!title) problems.add(at, 'the article has no title');
  else if (title.length > LIMITS.label) problems.add(at, `the title is ${title.length} characters; the limit is ${LIMITS.label}`);

  let url: string | null = null;
  if (fields.url !== undefined && fields.url !== null && fields.url !== '') {
    if (typeof fields.url !== 'string' || !isHttpUrl(fields.url) || fields.url.length > LIMITS.url) {
      problems.add(at, `url ${JSON.stringify(fields.url)} is not an http(s) URL of at most ${LIMITS.url} characters`);
    } else url = fields.url;
  }

  let sourceUpdatedAt: string | null = null;
  if (fields.updatedAt !== undefined && fields.updatedAt !== null && fields.updatedAt !== '') {
    const value = fields.updatedAt instanceof Date ? fields.updatedAt.toISOString() : fields.updatedAt;
    if (typeof value !== 'string' || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) {
      problems.add(at, `updated_at ${JSON.stringify(value)} is not an ISO 8601 date (e.g. 2026-03-01T09:30:00Z)`);
    } else sourceUpdatedAt = new Date(value).toISOString();
  }

  if (problems.list.length > before) return null;
  if (!fields.body) {
    skipped.push(`${at}: "${title}" has an empty body`);
    return null;
  }
  return { externalId, title, body: fields.body, url, sourceUpdatedAt, at };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Two articles with one id would overwrite each other; name both places. */
export function checkUniqueIds(articles: SourceArticle[], problems: Problems) {
  const seen = new Map<string, string>();
  for (const a of articles) {
    const first = seen.get(a.externalId);
    if (first) problems.add(a.at, `id "${a.externalId}" is already used by the article at ${first}`);
    else seen.set(a.externalId, a.at);
  }
}
