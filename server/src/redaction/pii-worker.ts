import { Piscina } from 'piscina';
import { detectPii } from './pii';
import { packSpans, unpackTexts, type PackedTexts } from './pii-packing';

/** A worker thread's task (pii-pool.ts): the PII spans of each text, in order, packed (pii-packing.ts). */
export default async function detectPiiMany(task: PackedTexts): Promise<Int32Array> {
  const found = [];
  for (const text of unpackTexts(task)) found.push(await detectPii(text));
  const packed = packSpans(found);
  return Piscina.move(packed) as unknown as Int32Array;
}
