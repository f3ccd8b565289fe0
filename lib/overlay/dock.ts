/**
 * Makes room for the docked panel at the right edge of the helpdesk page, so it sits beside the
 * conversation instead of over it. Helpdesks lay their workspace out in two ways, often both:
 * in the document flow under `body` (Request Tracker, Zendesk's global header), which a right
 * margin on `body` narrows; and as absolutely or fixed positioned boxes spanning the viewport
 * (Zendesk's ticket panes, Salesforce's console container), which ignore that margin. For those,
 * the ticket's own ancestors are walked outermost first and the first one reaching past the room
 * left gets a larger `right` (and a `max-width`). Every inline style changed is put back on
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
  return {
    release,
    apply(ticketRoot, width) {
      release();
      const win = doc.defaultView!;
      const body = doc.body;
      const limit = doc.documentElement.clientWidth - width;
      const bodyStyle = win.getComputedStyle(body);
      set(body, 'margin-right', `${px(bodyStyle.marginRight) + width}px`);
      for (const el of ancestorsOutermostFirst(ticketRoot, body)) {
        const rect = el.getBoundingClientRect();
        const overshoot = rect.right - limit;
        if (overshoot <= SLACK || rect.width === 0) continue;
        // Read before writing: a computed style is live, and the new `right` changes its width.
        const { position, right, width: used } = win.getComputedStyle(el);
        if (position === 'absolute' || position === 'fixed') set(el, 'right', `${px(right) + overshoot}px`);
        set(el, 'max-width', `${Math.max(0, px(used) - overshoot)}px`);
      }
      const root = ticketRoot.getBoundingClientRect();
      if (root.right - limit > SLACK) {
        release();
        return null;
      }
      return { top: root.top };
    },
  };
}
