/**
 * A pure function of one string, remembered for the last few thousand keys it was asked about:
 * tickets come back once per annotation, and each answer is a sha256. The table is emptied when
 * full, which costs a recomputation and never changes an answer.
 */
export function memoized<V>(fn: (key: string) => V, max = 16_384): (key: string) => V {
  const seen = new Map<string, V>();
  return (key) => {
    let value = seen.get(key);
    if (value === undefined) {
      if (seen.size >= max) seen.clear();
      value = fn(key);
      seen.set(key, value);
    }
    return value;
  };
}
