import { CsvError, parse } from 'csv-parse/sync';
import { bodyToText } from '../article-text';
import { gapsFromCsvCell } from './gap-references';
import { Problems, checkArticle, type SourceArticle } from './source-article';

const REQUIRED = ['id', 'title', 'body'] as const;

/**
 * A CSV with a header row: `id`, `title`, `body` required; `url`, `updated_at` and `closes_gaps` ("12;15") optional; other
 * columns ignored. Bodies may be HTML (converted) or plain text (kept). Quoted fields may span lines.
 */
export function parseCsvFile(text: string, file: string, problems: Problems, skipped: string[]): SourceArticle[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 1;
      problems.add(`${file}:${line}`, `not valid CSV: ${error.message.replace(/ at line \d+$/, '')}`);
      return [];
    }
    throw error;
  }
  const header = Object.keys(records[0]?.record ?? {});
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (records.length > 0 && missing.length > 0) {
    problems.add(`${file}:1`, `the header lacks column(s) ${missing.join(', ')}; expected id,title,body[,url,updated_at]`);
    return [];
  }
  const articles: SourceArticle[] = [];
  let previousEnd = 1; // the header line
  for (const { record, info } of records) {
    // csv-parse reports the line a record ends on; a quoted body may span several lines.
    const at = `${file}:${previousEnd + 1}`;
    previousEnd = info.lines;
    const closesGaps = gapsFromCsvCell(record.closes_gaps, at, problems);
    const article = checkArticle(
      { id: record.id, title: record.title, body: record.body ? bodyToText(record.body) : null, url: record.url, updatedAt: record.updated_at },
      at,
      problems,
      skipped,
    );
    if (article) articles.push(closesGaps.length > 0 ? { ...article, closesGaps } : article);
  }
  return articles;
}
