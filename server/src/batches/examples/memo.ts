/**
 * A pure function of one string, remembered for the last few thousand keys it was asked about:
 * tickets come back once per annotation, and each answer is a sha256. Two generations: when the
 * newer is full it becomes the older and the oldest answers go, so a full table keeps the keys
 * asked about lately (the phases running side by side ask about different tickets) instead of
 * emptying itself. Forgetting costs a recomputation and never changes an answer.
 */
export function memoized<V>(fn: (key: string) => V, max = 16_384): (key: string) => V {
  let young = new Map<string, V>();
  let old = new Map<string, V>();
  return (key) => {
    let value = young.get(key);
    if (value !== undefined) return value;
    value = old.get(key) ?? fn(key);
    if (young.size >= max) {
      old = young;
      young = new Map();
    }
    young.set(key, value);
    return value;
  };
}
