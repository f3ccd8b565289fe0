import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_RETRY_AFTER_MS, retryDelayMs, shouldRetry, SuggestionError, suggestionClient } from '../../lib/overlay/suggestion-query';
import { TicketSession } from '../../lib/overlay/ticket-session';
import { adapterFor, busy, ok, scriptedTransport, ticketOf, urlOf } from './session-doubles';

describe('asking for a ticket\'s suggestion', () => {
  const sessions: TicketSession[] = [];
  const open = (transport: ReturnType<typeof scriptedTransport>['transport'], queries = suggestionClient()) => {
    const session = new TicketSession(adapterFor('123'), ticketOf('123'), urlOf('123'), transport, { queries });
    sessions.push(session);
    session.start();
    return session;
  };
  afterEach(() => {
    for (const s of sessions.splice(0)) s.dispose();
  });

  it('waits as long as a busy backend asks (Retry-After), says it is retrying, then shows the suggestion', async () => {
    const { transport, asked } = scriptedTransport([busy(120), ok]);
    const session = open(transport);
    await vi.waitFor(() => expect(session.model.impression).toMatchObject({ status: 'loading', retrying: { attempt: 1, reason: expect.stringMatching(/503/) } }));
    await vi.waitFor(() => expect(session.model.impression.status).toBe('ready'));
    expect(asked).toHaveLength(2);
    expect(asked[1]!.at - asked[0]!.at).toBeGreaterThanOrEqual(110);
  });

  it('does not retry what retrying cannot fix (a refused token): the error shows at once, and Try again asks once more', async () => {
    const { transport, asked } = scriptedTransport([() => ({ ok: false, error: { code: 'http_401', message: 'the backend refused the token' } }), ok]);
    const session = open(transport);
    await vi.waitFor(() => expect(session.model.impression).toMatchObject({ status: 'error', code: 'http_401' }));
    expect(asked).toHaveLength(1);
    await session.load();
    await vi.waitFor(() => expect(session.model.impression.status).toBe('ready'));
    expect(asked).toHaveLength(2);
    // Shown: asking again would make a second impression, so it does not.
    await session.load();
    expect(asked).toHaveLength(2);
  });

  it('gives up after three retries and says why', async () => {
    const { transport, asked } = scriptedTransport([busy(5)]);
    const session = open(transport);
    await vi.waitFor(() => expect(session.model.impression).toMatchObject({ status: 'error', code: 'http_503' }));
    expect(asked).toHaveLength(4);
  });

  it('two sessions on the same ticket at once (a re-bind) share one request', async () => {
    const { transport, asked } = scriptedTransport([ok]);
    const queries = suggestionClient();
    const a = open(transport, queries);
    const b = open(transport, queries);
    await vi.waitFor(() => expect(b.model.impression.status).toBe('ready'));
    expect(a.model.impression).toEqual(b.model.impression);
    expect(asked).toHaveLength(1);
  });

  it('backs off exponentially with jitter when no Retry-After came, and follows one that did', () => {
    const offline = new SuggestionError('offline', 'cannot reach the backend');
    expect([0, 1, 2, 3, 4, 5].map((n) => retryDelayMs(n, offline, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
    expect(retryDelayMs(0, offline, () => 0)).toBe(750);
    // Retry-After is a minimum, spread by up to half again so that a crowd shed together does not return together.
    const limited = new SuggestionError('http_429', 'slow down', 3000);
    expect([0, 0.5, 1].map((r) => retryDelayMs(2, limited, () => r))).toEqual([3000, 3750, 4500]);
    expect(shouldRetry(0, new SuggestionError('http_429', 'slow down', MAX_RETRY_AFTER_MS + 1))).toBe(false);
    expect(shouldRetry(0, new SuggestionError('bad_reply', 'unreadable'))).toBe(false);
    expect(shouldRetry(2, offline)).toBe(true);
    expect(shouldRetry(3, offline)).toBe(false);
  });
});
