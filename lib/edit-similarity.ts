import { diffLines, diffWordsWithSpace, type ChangeObject } from 'diff';
import type { AdoptionThresholds } from './contract';
import { classifyAdoption } from './contract/values';

/** Whitespace and case do not count as edits (editors re-wrap lines; signatures add blank lines). */
export function normalizeForComparison(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function unchangedShare(parts: ChangeObject<string>[], a: string, b: string): number {
  let common = 0;
  for (const part of parts) if (!part.added && !part.removed) common += part.value.length;
  return (2 * common) / (a.length + b.length);
}

/**
 * Normalised edit similarity of the sent text to the inserted suggestion, in [0, 1]: twice the
 * characters the two share in a word-level diff, over their total length (difflib's ratio, on
 * words, so one changed word costs its own length rather than a character-by-character walk).
 * Huge rewrites fall back to a line-level diff so a send never stalls on the diff.
 */
export function editSimilarity(suggestion: string, sent: string): number {
  const a = normalizeForComparison(suggestion);
  const b = normalizeForComparison(sent);
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  if (a === b) return 1;
  const words = diffWordsWithSpace(a, b, { timeout: 250 });
  const share = words ? unchangedShare(words, a, b) : unchangedShare(diffLines(a.replace(/([.!?]) /g, '$1\n'), b.replace(/([.!?]) /g, '$1\n')), a, b);
  // Rounded so the value sent is the value classified (the server re-checks the class).
  return Math.round(Math.min(1, Math.max(0, share)) * 10_000) / 10_000;
}

/** Similarity and the adoption outcome it implies under the given thresholds. */
export function adoptionOf(suggestion: string, sent: string, thresholds: AdoptionThresholds) {
  const similarity = editSimilarity(suggestion, sent);
  return { similarity, outcome: classifyAdoption(similarity, thresholds) };
}
