import type { RowRedactor } from '../../redaction/pii';
import type { ArticleText } from '../examples/article-texts';
import type { Redaction, Scanned } from '../examples/row-redaction';

/** An article's passage, with its PII spans once a build has needed them (a passage recurs in many labels of many impressions). */
export interface Passage {
  text: string;
  scanned?: Scanned;
  /** Whose spans `scanned` holds: another build's are not taken, should redaction ever differ between builds. */
  by?: Redaction;
}

/**
 * Each article's passage, by the text object it was made of (KnowledgeTexts hands out the same
 * one while it is cached) and its cut: the same string every time, so the PII cache hashes it once
 * instead of a newly built long string for every label of every impression, and its spans are
 * looked up once a build.
 */
const passages = new WeakMap<ArticleText, Map<number, Passage>>();
export function passageOf(t: ArticleText, articleChars: number): Passage {
  let made = passages.get(t);
  let p = made?.get(articleChars);
  if (p === undefined) {
    p = { text: `${t.title}\n${t.body.slice(0, articleChars)}` };
    if (!made) passages.set(t, (made = new Map()));
    made.set(articleChars, p);
  }
  return p;
}

/** The passage with its spans: looked up (or scanned) the first time in a build, then kept with it. */
export async function scanPassage(redaction: Redaction, p: Passage): Promise<Scanned> {
  if (p.by === redaction) return p.scanned!;
  // Passages repeat, so they are worth the PII cache whatever their length.
  const scanned = await redaction.scan(p.text, true);
  p.scanned = scanned;
  p.by = redaction;
  return scanned;
}

/**
 * The redactor for a row made of `texts`: null when none of them holds PII, as RowRedactor.apply
 * then returns each text as it is and numbers no placeholder (most rows; a redactor is two Maps).
 */
export function rowRedactor(redaction: Redaction, texts: readonly Scanned[]): RowRedactor | null {
  for (const t of texts) if (t.spans.length > 0) return redaction.row();
  return null;
}

/** `t` redacted with the row's placeholders. Call in the row's field order, as placeholders are numbered in it. */
export function redacted(t: Scanned, row: RowRedactor | null): string {
  if (t.spans.length === 0) return t.text;
  if (row === null) throw new Error('a text with PII in it needs its row redactor (rowRedactor of every text of the row)');
  return row.apply(t.text, t.spans);
}
