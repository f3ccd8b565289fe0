import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RT } from '../../lib/sites/rt/selectors';
import { SALESFORCE } from '../../lib/sites/salesforce/selectors';
import type { Selector } from '../../lib/sites/selector-table';
import { ZENDESK } from '../../lib/sites/zendesk/selectors';
// @ts-expect-error plain JS fixture module shared with the browser tests
import { startSalesforceApp } from '../fixtures/salesforce-app.js';
// @ts-expect-error plain JS fixture module shared with the browser tests
import { startZendeskApp } from '../fixtures/zendesk-app.js';
import { loadFixturePage } from './fixture-page';
import { openRtPage, RT_ORIGIN } from './rt-pages';

/**
 * How each fixture page is opened (the URL it is served at, its app if it has one) and what the
 * tables' `{placeholders}` stand for on it.
 */
const PAGES: Record<string, { url: string; start?: () => void; open?: () => void; values: Record<string, string> }> = {
  'zendesk/agent-workspace.html': { url: 'https://acme.zendesk.com/agent/tickets/123', start: () => startZendeskApp(window, { renderDelayMs: 0 }), values: { id: '123' } },
  'zendesk/markup-variants.html': { url: 'https://acme.zendesk.com/agent/tickets/321', values: { id: '321' } },
  'salesforce/case-console.html': { url: 'https://acme.lightning.force.com/lightning/r/Case/5005g00000AbCdEAAV/view', start: () => startSalesforceApp(window), values: { label: 'Subject' } },
  'salesforce/markup-variants.html': { url: 'https://acme.lightning.force.com/lightning/r/Case/5005g00000XyZwVAAV/view', values: { label: 'Subject' } },
  // Saved from a real RT 5; opening them puts CKEditor's editing document back into its iframe.
  'rt/display.html': { url: `${RT_ORIGIN}/Ticket/Display.html?id=1`, open: () => openRtPage('rt/display.html', '/Ticket/Display.html?id=1'), values: {} },
  'rt/update-respond.html': { url: `${RT_ORIGIN}/Ticket/Update.html?id=1&Action=Respond`, open: () => openRtPage('rt/update-respond.html', '/Ticket/Update.html?id=1&Action=Respond'), values: {} },
  'rt/update-comment.html': { url: `${RT_ORIGIN}/Ticket/Update.html?id=1&Action=Comment`, open: () => openRtPage('rt/update-comment.html', '/Ticket/Update.html?id=1&Action=Comment'), values: {} },
};

/** The document and everything below it a content script can query: open shadow roots, same-origin frames. */
function queryRoots(doc: Document): ParentNode[] {
  const roots: ParentNode[] = [doc];
  for (let i = 0; i < roots.length; i++) {
    for (const el of roots[i]!.querySelectorAll('*')) {
      if (el.shadowRoot) roots.push(el.shadowRoot);
      if (el instanceof HTMLIFrameElement && el.contentDocument) roots.push(el.contentDocument);
    }
  }
  return roots;
}

const TABLES = { ZENDESK, SALESFORCE, RT } as Record<string, Record<string, readonly Selector[]>>;
const entries = Object.entries(TABLES).flatMap(([table, keys]) => Object.entries(keys).flatMap(([key, list]) => list.map((selector) => ({ name: `${table}.${key}`, ...selector }))));
const fixtures = [...new Set(entries.map((e) => e.fixture))];

describe('selector tables: every candidate is dated and proven by a saved page', () => {
  afterEach(() => {
    document.documentElement.innerHTML = '';
  });

  it('dates each candidate with a real day, not in the future', () => {
    const bad = entries.filter((e) => !/^\d{4}-\d{2}-\d{2}$/.test(e.seen) || Number.isNaN(Date.parse(e.seen)) || Date.parse(e.seen) > Date.now());
    expect(bad.map((e) => `${e.name} ${e.css}: ${e.seen}`)).toEqual([]);
  });

  it('names fixture files that exist', () => {
    const missing = fixtures.filter((f) => !fs.existsSync(path.resolve(import.meta.dirname, '../fixtures', f)) || !PAGES[f]);
    expect(missing, 'add the page under tests/fixtures and say how to open it in PAGES').toEqual([]);
  });

  it.each(fixtures.filter((f) => PAGES[f]))('finds every candidate that names %s in it', async (fixture) => {
    const page = PAGES[fixture]!;
    if (page.open) page.open();
    else loadFixturePage(fixture, page.url);
    page.start?.();
    const count = (css: string) => queryRoots(document).reduce((n, root) => n + root.querySelectorAll(css).length, 0);
    const fill = (css: string) => css.replace(/\{(\w+)\}/g, (_, name: string) => page.values[name] ?? `{${name}}`);
    const mine = entries.filter((e) => e.fixture === fixture);
    // The fixture apps build some markup (the email iframes) a moment after they start.
    await vi.waitFor(() => expect(mine.filter((e) => count(fill(e.css)) === 0).map((e) => `${e.name} ${e.css}`)).toEqual([]), { timeout: 2_000 });
  });
});
