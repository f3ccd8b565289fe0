import { parseDocument } from 'yaml';
import { markdownToText } from '../article-text';
import { gapsFromFrontMatter } from './gap-references';
import { Problems, checkArticle, type SourceArticle } from './source-article';

const FENCE = /^---[ \t]*$/;

/**
 * One Markdown article: YAML front matter with `id`, `title` and optionally `url` and
 * `updated_at`, `closes_gaps` (gap numbers), then the body. Other front-matter keys (tags, section, ...) are allowed and ignored.
 */
export function parseMarkdownFile(text: string, file: string, problems: Problems, skipped: string[]): SourceArticle | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!FENCE.test(lines[0] ?? '')) {
    problems.add(`${file}:1`, 'no front matter: start the file with a line "---", then id: and title:, then "---"');
    return null;
  }
  const end = lines.findIndex((line, i) => i > 0 && (FENCE.test(line) || /^\.\.\.[ \t]*$/.test(line)));
  if (end < 0) {
    problems.add(`${file}:1`, 'the front matter is not closed: add a line "---" after it');
    return null;
  }
  const doc = parseDocument(lines.slice(1, end).join('\n'));
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    // The front matter starts on line 2 (after the fence); linePos is 1-based within it.
    const line = (error.linePos?.[0]?.line ?? 0) + 1;
    problems.add(`${file}:${line}`, `front matter is not valid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    return null;
  }
  const meta = doc.toJS() as unknown;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    problems.add(`${file}:2`, 'front matter must be key: value lines (id, title, url)');
    return null;
  }
  const m = meta as Record<string, unknown>;
  const body = markdownToText(lines.slice(end + 1).join('\n'));
  const closesGaps = gapsFromFrontMatter(m.closes_gaps, `${file}:1`, problems);
  const article = checkArticle({ id: m.id, title: m.title, body, url: m.url, updatedAt: m.updated_at ?? m.updated }, `${file}:1`, problems, skipped);
  return article && closesGaps.length > 0 ? { ...article, closesGaps } : article;
}
