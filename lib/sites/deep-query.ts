/**
 * Salesforce Lightning is moving from synthetic shadow (plain light DOM as an isolated-world
 * content script sees it) to native shadow DOM, where `querySelector` stops at every shadow root.
 * These walk open shadow roots too, so both kinds of org work.
 */
function* shadowRootsUnder(root: ParentNode): Generator<ShadowRoot> {
  const doc = (root as Node).ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root as Node, 1 /* NodeFilter.SHOW_ELEMENT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const shadow = (node as Element).shadowRoot;
    if (shadow) {
      yield shadow;
      yield* shadowRootsUnder(shadow);
    }
  }
}

export function deepQuerySelectorAll<E extends Element = HTMLElement>(root: ParentNode, selector: string): E[] {
  const found = [...root.querySelectorAll<E>(selector)];
  for (const shadow of shadowRootsUnder(root)) found.push(...shadow.querySelectorAll<E>(selector));
  return found;
}

export function deepQuerySelector<E extends Element = HTMLElement>(root: ParentNode, selector: string): E | null {
  const direct = root.querySelector<E>(selector);
  if (direct) return direct;
  for (const shadow of shadowRootsUnder(root)) {
    const found = shadow.querySelector<E>(selector);
    if (found) return found;
  }
  return null;
}

/** A root whose `querySelector(All)` pierce open shadow roots, for the selector-table helpers. */
export function deepRoot(root: ParentNode): Pick<ParentNode, 'querySelector' | 'querySelectorAll'> {
  return {
    querySelector: ((selector: string) => deepQuerySelector(root, selector)) as ParentNode['querySelector'],
    querySelectorAll: ((selector: string) => {
      const list = deepQuerySelectorAll(root, selector);
      return Object.assign(list, { item: (i: number) => list[i] ?? null }) as unknown as NodeListOf<Element>;
    }) as ParentNode['querySelectorAll'],
  };
}
