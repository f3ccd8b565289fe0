type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Equal as JSON values: objects by their keys whatever the order, numbers by value. */
function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]!));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k]!, b[k]!));
}

/**
 * Whether two annotations with one id say the same, so that a second delivery is a retry (a
 * duplicate) and not a conflict: equal as JSON, the id compared without its case. The stored
 * side is the row's body as Postgres gives it back; key order and spacing never count.
 */
export function sameContent(stored: unknown, sent: unknown): boolean {
  if (typeof stored !== 'object' || stored === null || typeof sent !== 'object' || sent === null) return false;
  const a = stored as { id?: unknown };
  const b = sent as { id?: unknown };
  if (typeof a.id !== 'string' || typeof b.id !== 'string' || a.id.toLowerCase() !== b.id.toLowerCase()) return false;
  return sameJson({ ...(a as Record<string, Json>), id: '' }, { ...(b as Record<string, Json>), id: '' });
}
