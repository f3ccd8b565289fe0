/**
 * Helpdesk markup changes without notice, so every selector is an ordered list of candidates
 * (newest UI first, legacy last). Lookups record which keys matched, so breakage shows up in
 * `selectorHealth()` instead of as a silent empty panel.
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

export class SelectorHealth {
  private readonly matched = new Map<string, boolean>();
  record(key: string, hit: boolean): void {
    this.matched.set(key, hit);
  }
  snapshot(): Record<string, boolean> {
    return Object.fromEntries(this.matched);
  }
}

type Queryable = Pick<ParentNode, 'querySelector' | 'querySelectorAll'>;

/** The first element matched by the first candidate that matches anything under `root`. */
export function queryFirst<E extends Element = HTMLElement>(root: Queryable, key: string, list: SelectorList, health?: SelectorHealth): E | null {
  for (const { css } of list) {
    const found = root.querySelector<E>(css);
    if (found) {
      health?.record(key, true);
      return found;
    }
  }
  health?.record(key, false);
  return null;
}

/** All elements matched by the first candidate that matches anything under `root`. */
export function queryAll<E extends Element = HTMLElement>(root: Queryable, key: string, list: SelectorList, health?: SelectorHealth): E[] {
  for (const { css } of list) {
    const found = root.querySelectorAll<E>(css);
    if (found.length > 0) {
      health?.record(key, true);
      return [...found];
    }
  }
  health?.record(key, false);
  return [];
}

/** `[attr="value"]` with the value escaped for a CSS string. */
export const attrEquals = (attr: string, value: string) => `[${attr}="${value.replace(/["\\]/g, '\\$&')}"]`;
