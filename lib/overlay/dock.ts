/**
 * Makes room for the docked panel at the right edge of the helpdesk page, so it sits beside the
 * conversation instead of over it. Helpdesks lay the ticket out in two ways: in the document flow
 * (Request Tracker's `#body`), narrowed with a `max-width`; or as absolutely or fixed positioned
 * boxes spanning the viewport (Zendesk's ticket panes, Salesforce's console container), which get
 * a larger `right` as well. The ticket's own boxes (its root and the root's ancestors) are walked
 * outermost first, and each one still reaching past the room left is narrowed. Every inline style changed is put back on
 * `release`, so collapsing or unmounting the panel gives the helpdesk its full width again.
 */
export interface PageDock {
  /** Narrows the page so nothing of `ticketRoot` lies in the rightmost `width` px. Returns the top of the ticket's area, or null when room could not be made (a fixed-width layout). */
  apply(ticketRoot: Element, width: number): { top: number } | null;
  release(): void;
}

interface Saved {
  el: HTMLElement;
  prop: string;
  value: string;
  priority: string;
}

/** The parent in the flattened tree, through shadow roots (Salesforce's LWC components). */
function parentOf(el: Element): Element | null {
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

function ancestorsOutermostFirst(el: Element, body: HTMLElement): HTMLElement[] {
  const chain: HTMLElement[] = [];
  for (let at: Element | null = el; at && at !== body && at !== body.ownerDocument.documentElement; at = parentOf(at)) {
    if (at instanceof HTMLElement) chain.push(at);
  }
  return chain.reverse();
}

const px = (value: string) => Number.parseFloat(value) || 0;
// Sub-pixel layout: a box ending half a pixel past the line still counts as beside the panel.
const SLACK = 1;

export function pageDock(doc: Document): PageDock {
  let saved: Saved[] = [];
  const set = (el: HTMLElement, prop: string, value: string) => {
    if (!saved.some((s) => s.el === el && s.prop === prop)) saved.push({ el, prop, value: el.style.getPropertyValue(prop), priority: el.style.getPropertyPriority(prop) });
    el.style.setProperty(prop, value, 'important');
  };
  const release = () => {
    for (const { el, prop, value, priority } of saved.reverse()) {
      if (value) el.style.setProperty(prop, value, priority);
      else el.style.removeProperty(prop);
      if (el.getAttribute('style') === '') el.removeAttribute('style');
    }
    saved = [];
  };
  /** Narrows `el` so it ends at `limit` (px from the left): a larger `right` if positioned, and a `max-width`. */
  const narrow = (el: HTMLElement, limit: number) => {
    const rect = el.getBoundingClientRect();
    const overshoot = rect.right - limit;
    if (overshoot <= SLACK || rect.width === 0) return;
    // Read before writing: a computed style is live, and the new `right` changes its width.
    const { position, right, width: used } = doc.defaultView!.getComputedStyle(el);
    if (position === 'absolute' || position === 'fixed') set(el, 'right', `${px(right) + overshoot}px`);
    set(el, 'max-width', `${Math.max(0, px(used) - overshoot)}px`);
  };
  return {
    release,
    apply(ticketRoot, width) {
      release();
      const win = doc.defaultView!;
      const body = doc.body;
      const limit = doc.documentElement.clientWidth - width;
      // Only the ticket's own boxes are narrowed: the helpdesk's global header keeps its width (RT's menus
      // overlap when squeezed), and the panel starts below it.
      if (ticketRoot === body) set(body, 'margin-right', `${px(win.getComputedStyle(body).marginRight) + width}px`);
      const chain = ancestorsOutermostFirst(ticketRoot, body);
      // Boxes spanning the viewport first, outermost first: narrowing one narrows all the ticket's columns.
      for (const el of chain) {
        const { position } = win.getComputedStyle(el);
        if (position === 'absolute' || position === 'fixed') narrow(el, limit);
      }
      // Then boxes in the flow, innermost first and only as far as needed: RT's `#body` is narrowed,
      // not the container it shares with the menus.
      for (const el of chain.reverse()) {
        if (ticketRoot.getBoundingClientRect().right - limit <= SLACK) break;
        narrow(el, limit);
      }
      const root = ticketRoot.getBoundingClientRect();
      if (root.right - limit > SLACK) {
        release();
        return null;
      }
      // Where the ticket starts on the page (not in the scrolled viewport), so the panel does not move with scrolling.
      return { top: root.top + win.scrollY };
    },
  };
}
