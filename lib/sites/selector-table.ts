/**
 * Helpdesk markup changes without notice, so every selector is an ordered list of candidates
 * (newest UI first, legacy last). Lookups record which candidate matched, so breakage shows up in
 * `selectorHealth()` (and, counted per ticket, on the dashboard's Adapter health page) instead of
 * as a silent empty panel.
 */
export interface Selector {
  css: string;
  /**
   * The day this candidate was last confirmed against its source (the public code cited in
   * shared/reference/helpdesk-dom.md, or a live tenant). Check it again and bump it; a candidate
   * not seen for a year moves to the end of its list, or out.
   */
  seen: `${number}-${number}-${number}`;
  /** The saved page under tests/fixtures in which it matches (tests/unit/selector-tables.test.ts checks each). */
  fixture: string;
}
export type SelectorList = readonly Selector[];

/** The CSS of every candidate, in order. */
export const cssOf = (list: SelectorList): string[] => list.map((s) => s.css);

/** The candidates with their `{name}` placeholders filled in (`[data-ticket-id="{id}"]`). */
export const filled = (list: SelectorList, values: Record<string, string>): SelectorList =>
  list.map((s) => ({ ...s, css: s.css.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder) }));

/** Per selector key, the candidate that matched (0 the primary, n the n-th fallback), or null when none did. */
export type SelectorOutcomes = Record<string, number | null>;

/**
 * The best match of each key since the last `reset()`: a key that matched once with its primary
 * counts as primary even if other lookups found nothing (a pane still rendering, an entry without
 * that part); it is null only when no lookup matched at all.
 */
export class SelectorHealth {
  private readonly best = new Map<string, number | null>();
  record(key: string, candidate: number | null): void {
    const was = this.best.get(key);
    if (candidate === null) {
      if (was === undefined) this.best.set(key, null);
    } else if (was === undefined || was === null || candidate < was) this.best.set(key, candidate);
  }
  snapshot(): SelectorOutcomes {
    return Object.fromEntries(this.best);
  }
  reset(): void {
    this.best.clear();
  }
}

type Queryable = Pick<ParentNode, 'querySelector' | 'querySelectorAll'>;

/** The first element matched by the first candidate that matches anything under `root`. */
export function queryFirst<E extends Element = HTMLElement>(root: Queryable, key: string, list: SelectorList, health?: SelectorHealth): E | null {
  for (const [candidate, { css }] of list.entries()) {
    const found = root.querySelector<E>(css);
    if (found) {
      health?.record(key, candidate);
      return found;
    }
  }
  health?.record(key, null);
  return null;
}

/** All elements matched by the first candidate that matches anything under `root`. */
export function queryAll<E extends Element = HTMLElement>(root: Queryable, key: string, list: SelectorList, health?: SelectorHealth): E[] {
  for (const [candidate, { css }] of list.entries()) {
    const found = root.querySelectorAll<E>(css);
    if (found.length > 0) {
      health?.record(key, candidate);
      return [...found];
    }
  }
  health?.record(key, null);
  return [];
}

/** `[attr="value"]` with the value escaped for a CSS string. */
export const attrEquals = (attr: string, value: string) => `[${attr}="${value.replace(/["\\]/g, '\\$&')}"]`;
