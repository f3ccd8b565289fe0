import { convert } from 'html-to-text';
import { marked } from 'marked';
import { termSet } from './terms';

/**
 * Article bodies are stored, searched and shown as clean text: agents see them in a panel that
 * renders text only, and markup would pollute both the search index and the snippets.
 */
const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    // Link targets and images are noise in a snippet; the link text stays.
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
};

/** Text Postgres accepts and that reads cleanly: no NUL, no lone surrogates, tidy whitespace. */
export function tidyText(text: string): string {
  return text
    .replace(/\u0000/g, '')
    .toWellFormed()
    .replace(/\r\n?/g, '\n')
    .replace(/[\t\f\v\u00a0]+/g, ' ')
    .replace(/[ ]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function htmlToText(html: string): string {
  return tidyText(convert(html, HTML_OPTIONS));
}

export function markdownToText(markdown: string): string {
  return htmlToText(marked.parse(markdown, { async: false, gfm: true }));
}

const LOOKS_LIKE_HTML = /<\/?(p|div|br|h[1-6]|ul|ol|li|a|strong|em|b|i|span|table|tr|td|img|section|article|pre|code)\b[^>]*>/i;

/** A body from a source that may hold HTML or plain text (CSV). */
export function bodyToText(body: string): string {
  return LOOKS_LIKE_HTML.test(body) ? htmlToText(body) : tidyText(body);
}

const SNIPPET_CHARS = 320;

/**
 * The passage of an article that best matches the ticket: the paragraph sharing the most query
 * terms (the first paragraph when none does), cut at a word boundary. Shown under the title so an
 * agent can judge relevance without opening the article.
 */
export function snippet(body: string, queryTerms: ReadonlySet<string>, max = SNIPPET_CHARS): string {
  const paragraphs = body.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (paragraphs.length === 0) return '';
  let best = paragraphs[0]!;
  let bestScore = 0;
  for (const p of paragraphs) {
    let score = 0;
    for (const t of termSet(p)) if (queryTerms.has(t)) score++;
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  if (best.length <= max) return best;
  const cut = best.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > max * 0.6 ? space : max).trimEnd()}…`;
}
