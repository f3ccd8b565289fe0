import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { htmlToText } from '../article-text';
import { gapsFromLabels } from './gap-references';
import { Problems, checkArticle, lineAt, type SourceArticle } from './source-article';

/**
 * A Zendesk Help Center export: the JSON of `GET /api/v2/help_center/articles` (one page,
 * `{"articles": [...]}`), a folder of such pages, a bare array of articles, or `{"article": {...}}`.
 * Each article's `id` is kept as the external id, `html_url` as its URL, `body` (HTML) becomes
 * clean text; labels `aitl-gap-N` name the knowledge gaps it closes. Drafts are not published to customers, so they are skipped.
 *
 * jsonc-parser rather than JSON.parse: it reports where a file is broken and where each article
 * starts, so every message can name the file and line.
 */
export function parseZendeskFile(text: string, file: string, problems: Problems, skipped: string[]): SourceArticle[] {
  const errors: ParseError[] = [];
  const root = parseTree(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    const first = errors[0];
    problems.add(`${file}:${first ? lineAt(text, first.offset) : 1}`, `not valid JSON (${first ? printParseErrorCode(first.error) : 'empty file'})`);
    return [];
  }
  let items: Node[];
  if (root.type === 'array') items = root.children ?? [];
  else if (root.type === 'object' && property(root, 'articles')?.type === 'array') items = property(root, 'articles')!.children ?? [];
  else if (root.type === 'object' && property(root, 'article')?.type === 'object') items = [property(root, 'article')!];
  else {
    problems.add(`${file}:1`, 'expected a Help Center export: {"articles": [...]} as returned by /api/v2/help_center/articles');
    return [];
  }
  const articles: SourceArticle[] = [];
  for (const node of items) {
    const at = `${file}:${lineAt(text, node.offset)}`;
    if (node.type !== 'object') {
      problems.add(at, 'each entry of "articles" must be an object');
      continue;
    }
    const raw = getNodeValue(node) as Record<string, unknown>;
    if (raw.draft === true) {
      skipped.push(`${at}: "${String(raw.title ?? raw.id)}" is a draft`);
      continue;
    }
    if (raw.body !== undefined && raw.body !== null && typeof raw.body !== 'string') {
      problems.add(at, 'body must be a string of HTML');
      continue;
    }
    const closesGaps = gapsFromLabels(raw.label_names, at, problems);
    const article = checkArticle(
      { id: raw.id, title: raw.title, body: raw.body ? htmlToText(raw.body) : null, url: raw.html_url ?? raw.url, updatedAt: raw.updated_at ?? raw.edited_at },
      at,
      problems,
      skipped,
    );
    if (article) articles.push(closesGaps.length > 0 ? { ...article, closesGaps } : article);
  }
  return articles;
}

function property(object: Node, key: string): Node | undefined {
  const pair = object.children?.find((p) => p.children?.[0]?.value === key);
  return pair?.children?.[1];
}
