import { detectPii } from './pii';
import type { PiiSpan } from './pii-span';

/** A worker thread's task (pii-pool.ts): the PII spans of each text, in order. */
export default async function detectPiiMany(texts: string[]): Promise<PiiSpan[][]> {
  const out: PiiSpan[][] = [];
  for (const text of texts) out.push(await detectPii(text));
  return out;
}
