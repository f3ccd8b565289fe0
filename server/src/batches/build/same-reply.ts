/** The reference: whitespace runs as one space, trimmed, lower-cased. */
const normalised = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

const NOT_ASCII = /[^\x00-\x7f]/;
// ASCII whitespace as `\s` and `trim` see it: tab, line feed, vertical tab, form feed, carriage return, space.
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

function onlySpaces(s: string, from: number): boolean {
  for (let k = from; k < s.length; k++) if (!isSpace(s.charCodeAt(k))) return false;
  return true;
}

/**
 * Whether an agent's sent reply is the model's reply over again: equal once whitespace runs are
 * one space, the ends trimmed and case ignored. The same answer as comparing `normalised` texts,
 * without building four strings per pair (a large build compares tens of thousands of pairs; the
 * strings were 5% of everything it allocated). ASCII texts are walked in place; a text with other
 * characters takes the reference (Unicode whitespace and case mappings that change length).
 */
export function sameReply(a: string, b: string): boolean {
  if (a === b) return true;
  if (NOT_ASCII.test(a) || NOT_ASCII.test(b)) return normalised(a) === normalised(b);
  let i = 0;
  let j = 0;
  while (i < a.length && isSpace(a.charCodeAt(i))) i++;
  while (j < b.length && isSpace(b.charCodeAt(j))) j++;
  for (;;) {
    // At the end of one text, the other may only have trailing whitespace left (trimmed).
    if (i === a.length) return onlySpaces(b, j);
    if (j === b.length) return onlySpaces(a, i);
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const spaceA = isSpace(ca);
    if (spaceA !== isSpace(cb)) return false;
    if (spaceA) {
      while (i < a.length && isSpace(a.charCodeAt(i))) i++;
      while (j < b.length && isSpace(b.charCodeAt(j))) j++;
      continue;
    }
    if (lower(ca) !== lower(cb)) return false;
    i++;
    j++;
  }
}
