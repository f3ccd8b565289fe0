import type { ActiveTicket, HelpdeskAdapter } from '../sites/types';

/**
 * Resolves with the active ticket once its pane is rendered. Runs only on ticket URLs: the
 * navigation event fires before the helpdesk renders the new ticket, so the pane is awaited with
 * a MutationObserver (checks batched to one per animation frame), until `signal` aborts.
 */
export function waitForTicket(adapter: HelpdeskAdapter, doc: Document, url: URL, signal: AbortSignal): Promise<ActiveTicket> {
  return new Promise((resolve, reject) => {
    const found = adapter.detectTicket(doc, url);
    if (found) return resolve(found);
    let scheduled = false;
    const observer = new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        const ticket = adapter.detectTicket(doc, url);
        if (ticket) {
          observer.disconnect();
          resolve(ticket);
        }
      });
    });
    observer.observe(doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-current', 'data-entity-is-selected', 'class', 'style', 'hidden'] });
    signal.addEventListener('abort', () => {
      observer.disconnect();
      reject(signal.reason);
    });
  });
}
