import fs from 'node:fs';
import path from 'node:path';
import { parseCsvFile } from './csv';
import { parseMarkdownFile } from './markdown';
import { KbImportError, Problems, checkUniqueIds, type ParsedSource, type SourceArticle, type SourceFormat } from './source-article';
import { parseZendeskFile } from './zendesk';

/** Formats read from files; RT's articles are read from RT itself (sources/rt.ts). */
export const FILE_FORMATS = ['zendesk', 'markdown', 'csv'] as const satisfies readonly SourceFormat[];
export type FileFormat = (typeof FILE_FORMATS)[number];
export const SOURCE_FORMATS = [...FILE_FORMATS, 'rt'] as const satisfies readonly SourceFormat[];

const EXTENSIONS: Record<FileFormat, RegExp> = {
  zendesk: /\.json$/i,
  markdown: /\.(md|markdown)$/i,
  csv: /\.csv$/i,
};

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function detectFormat(files: string[], target: string): FileFormat {
  const found = (Object.keys(EXTENSIONS) as FileFormat[]).filter((f) => files.some((file) => EXTENSIONS[f].test(file)));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new KbImportError([`${target}: found no .json (Zendesk Help Center export), .md (Markdown) or .csv files`]);
  }
  throw new KbImportError([`${target}: holds files of several formats (${found.join(', ')}); pass --format to choose one`]);
}

/**
 * Reads a knowledge-base export from a file or folder (folders are read recursively, in name
 * order). Every problem in every file is collected; if there is any, nothing is returned.
 */
export function readSource(target: string, format?: SourceFormat): ParsedSource {
  if (format === 'rt') throw new KbImportError([`RT articles are read from RT itself: aitl kb import --format rt --url https://rt.example.com --token-env RT_TOKEN`]);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new KbImportError([`${target}: no such file or folder`]);
  }
  const root = stat.isDirectory() ? target : path.dirname(target);
  const all = stat.isDirectory() ? listFiles(target) : [target];
  const chosen = format ?? detectFormat(all, target);
  const files = stat.isDirectory() ? all.filter((f) => EXTENSIONS[chosen].test(f)) : all;
  if (files.length === 0) throw new KbImportError([`${target}: no ${chosen} files found`]);

  const problems = new Problems();
  const skipped: string[] = [];
  const articles: SourceArticle[] = [];
  for (const file of files) {
    const shown = stat.isDirectory() ? path.relative(root, file) : file;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      problems.add(`${shown}:1`, `cannot read: ${(error as Error).message}`);
      continue;
    }
    if (chosen === 'zendesk') articles.push(...parseZendeskFile(text, shown, problems, skipped));
    else if (chosen === 'csv') articles.push(...parseCsvFile(text, shown, problems, skipped));
    else {
      const article = parseMarkdownFile(text, shown, problems, skipped);
      if (article) articles.push(article);
    }
  }
  checkUniqueIds(articles, problems);
  problems.throwIfAny();
  if (articles.length === 0) {
    throw new KbImportError([`${target}: holds no publishable articles${skipped.length ? ` (${skipped.length} skipped: ${skipped[0]})` : ''}`]);
  }
  return { format: chosen, articles, skipped };
}
