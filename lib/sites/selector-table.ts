/**
 * Helpdesk markup changes without notice, so every selector is an ordered list of candidates
 * (newest UI first, legacy last). Lookups record which keys matched, so breakage shows up in
 * `selectorHealth()` instead of as a silent empty panel.
 */
export type SelectorList = readonly string[];

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
  for (const selector of list) {
    const found = root.querySelector<E>(selector);
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
  for (const selector of list) {
    const found = root.querySelectorAll<E>(selector);
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
