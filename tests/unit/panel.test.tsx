import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Panel } from '../../components/Panel';
import { DEFAULT_ADOPTION_THRESHOLDS, type AnnotationCapture, type Impression, type OverlayStatus } from '../../lib/contract';
import { TicketSession, type SessionTransport } from '../../lib/overlay/ticket-session';
import type { HelpdeskAdapter, SentEvent } from '../../lib/sites/types';
import impressionExample from '../../lib/contract/examples/impression.json';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const HOSTILE = '<img src=x onerror="window.__aitlPwned=1"><script>window.__aitlPwned=2</script>';
const STATUS: OverlayStatus = { connection: 'ok', pending: 0, deadLetters: 0, lastSyncAt: null, nextAttemptAt: null, lastError: null, enabledSites: ['zendesk'] };

function impression(overrides: Partial<Impression> = {}): Impression {
  return { ...(impressionExample as Impression), id: uuidv7(), ...overrides };
}

let sendReply: (e: SentEvent) => void = () => {};

/** An adapter double: the panel must never reach the helpdesk DOM, so nothing here has one. */
function adapterDouble(): HelpdeskAdapter {
  return {
    platform: 'zendesk',
    matchesHost: () => true,
    ticketIdFromUrl: () => '48213',
    detectTicket: () => null,
    readContext: () => ({ platform: 'zendesk', ticketId: '48213', subject: HOSTILE, messages: [] }),
    findComposer: () => ({ element: document.createElement('div'), kind: 'contenteditable', channel: 'public', ticketId: '48213' }),
    readComposer: () => '',
    insertReply: async () => ({ ok: true, method: 'paste-html' }),
    observeSent: (_ticket, onSent) => {
      sendReply = onSent;
      return () => {};
    },
    selectorHealth: () => ({}),
    resetSelectorHealth: () => {},
  };
}

describe('the panel', () => {
  let container: HTMLElement;
  let root: Root;
  let captured: { annotation: AnnotationCapture; holdMs?: number }[];

  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
    captured = [];
  });
  afterEach(() => {
    act(() => root.unmount());
    container.remove();
  });

  async function render(imp: Impression) {
    const transport: SessionTransport = {
      suggest: async () => ({ ok: true, impression: imp }),
      capture: async (annotation, holdMs) => {
        captured.push({ annotation, holdMs });
        return { ok: true };
      },
      amend: async () => ({ ok: true }),
    };
    const session = new TicketSession(adapterDouble(), { platform: 'zendesk', ticketId: '48213', root: document.body }, new URL('https://acme.zendesk.com/agent/tickets/48213'), transport);
    await act(async () => {
      session.start();
      root.render(<Panel session={session} status={STATUS} collapsed={false} onCollapsedChange={() => {}} box={{ mode: 'floating', top: 56, right: 12, width: 480, maxHeight: 600 }} />);
    });
    await vi.waitFor(() => expect(container.querySelector('[data-testid="aitl-reply"]')).not.toBeNull());
    return session;
  }
  const click = async (selector: string) => {
    await act(async () => (container.querySelector(selector) as HTMLElement).click());
  };

  it('shows the two replies in the recorded display order and records a preference with that order', async () => {
    await render(impression({ displayOrder: ['B', 'A'] }));
    expect([...container.querySelectorAll('[data-testid="aitl-reply"]')].map((e) => e.getAttribute('data-arm'))).toEqual(['B', 'A']);
    await click('[data-testid="aitl-prefer"][data-arm="A"][data-strength="strong"]');
    expect(captured[0]!.annotation).toMatchObject({ type: 'preference', payload: { verdict: 'A', strength: 'strong', shownOrder: ['B', 'A'] } });
    // One preference per impression: the buttons are now locked.
    expect((container.querySelector('[data-testid="aitl-tie"]') as HTMLButtonElement).disabled).toBe(true);
  });

  it('records relevance per article and a missing-knowledge report', async () => {
    const imp = await render(impression());
    const first = (imp.model.impression as { impression: Impression }).impression.articles[0]!;
    await click(`[data-testid="aitl-article"][data-article-id="${first.id}"] [data-testid="aitl-relevance"][data-label="outdated"]`);
    expect(captured.at(-1)!.annotation).toMatchObject({ type: 'relevance', payload: { articleId: first.id, articleVersion: first.version, rank: first.rank, label: 'outdated' } });
    await click('[data-testid="aitl-missing-knowledge"]');
    const textarea = container.querySelector('[data-testid="aitl-missing-description"]') as HTMLTextAreaElement;
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
      setter.call(textarea, 'No article on refunds for annual plans bought through the app store');
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await click('[data-testid="aitl-missing-submit"]');
    expect(captured.at(-1)!.annotation).toMatchObject({ type: 'missing_knowledge', payload: { description: 'No article on refunds for annual plans bought through the app store' } });
  });

  it('renders hostile reply and article text inert, as text', async () => {
    const base = impression();
    await render({
      ...base,
      arms: base.arms.map((a) => ({ ...a, text: HOSTILE })),
      articles: base.articles.map((a) => ({ ...a, title: HOSTILE, snippet: HOSTILE, url: 'javascript:alert(1)' })),
    });
    expect(container.querySelector('img, script, iframe, svg, [onerror]')).toBeNull();
    expect(container.querySelector('[data-testid="aitl-reply-text"]')!.textContent).toBe(HOSTILE);
    expect(container.querySelector('a[href^="javascript"]')).toBeNull();
    expect((window as { __aitlPwned?: number }).__aitlPwned).toBeUndefined();
  });

  it('has keyboard shortcuts for the common actions, not while typing in a field', async () => {
    await render(impression({ displayOrder: ['A', 'B'] }));
    const panelEl = container.querySelector('[data-testid="aitl-panel"]') as HTMLElement;
    const key = async (target: Element, k: string) => act(async () => void target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })));
    await key(panelEl, 'k');
    const field = container.querySelector('[data-testid="aitl-missing-description"]')!;
    await key(field, ']');
    expect(captured).toHaveLength(0);
    await key(panelEl, ']');
    expect(captured[0]!.annotation).toMatchObject({ type: 'preference', payload: { verdict: 'B', strength: 'clear', shownOrder: ['A', 'B'] } });
  });

  it('records a send without an insert once as not used, and holds a heavy edit for its rationale', async () => {
    const imp = await render(impression({ displayOrder: ['A', 'B'] }));
    const sent = (text: string) => act(async () => sendReply({ ticketId: '48213', text, channel: 'public', at: Date.now(), via: 'submit-click' }));
    await sent('My own reply.');
    await sent('A follow-up.');
    expect(captured.map((c) => c.annotation.payload)).toEqual([{ outcome: 'not_used', slot: null, similarity: null, thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: 'My own reply.', channel: 'public' }]);
    await click('[data-testid="aitl-insert"][data-arm="B"]');
    const armB = (imp.model.impression as { impression: Impression }).impression.arms.find((a) => a.slot === 'B')!.text;
    await sent(armB.slice(0, Math.round(armB.length * 0.55)) + ' I also cancelled the renewal for you.');
    expect(captured[1]!.annotation).toMatchObject({ type: 'adoption', payload: { outcome: 'heavy_edit', slot: 'B' } });
    expect(captured[1]!.holdMs).toBeGreaterThan(0);
    expect(container.querySelector('[data-testid="aitl-rationale"]')).not.toBeNull();
  });

  it('shows one reply without preference controls when the ticket was not sampled for a pair', async () => {
    const base = impression();
    await render({ ...base, pairwise: false, arms: [base.arms[0]!], displayOrder: ['A'] });
    expect(container.querySelectorAll('[data-testid="aitl-reply"]')).toHaveLength(1);
    expect(container.querySelector('[data-testid="aitl-prefer"]')).toBeNull();
  });
});
