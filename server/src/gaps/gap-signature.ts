import { MinHashIndex, shingles, words } from '../batches/near-duplicates';

const STOPWORDS = new Set(
  'a an and are as at be but by can do does for from how i if in into is it its my no not of on or our the their there this to was we what when where which who why will with you your'.split(' '),
);

/**
 * The index that groups missing-knowledge reports into gaps: one for a batch's
 * knowledge_gaps.jsonl and for `GET /v1/gaps/clusters` alike, so both group the same reports.
 */
export const gapIndex = (similarity: number) => new MinHashIndex({ bands: 16, rows: 2, threshold: similarity });

/** A report's MinHash signature over its content words (stopwords dropped, unless nothing else is left). */
export function gapSignature(index: MinHashIndex, description: string, suggestedTitle: string | null | undefined): Uint32Array {
  const tokens = words(`${description} ${suggestedTitle ?? ''}`).filter((w) => !STOPWORDS.has(w));
  return index.signature(tokens.length > 0 ? shingles(tokens.join(' '), 1) : shingles(description, 1));
}
