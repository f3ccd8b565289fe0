import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveCurrentUser } from '../../lib/sites/salesforce/current-user-bridge';
import { readSalesforceAgent } from '../../lib/sites/salesforce/signed-in-agent';
import { readZendeskAgent, ZENDESK_ME_PATH } from '../../lib/sites/zendesk/signed-in-agent';
// @ts-expect-error plain JS fixture module shared with the browser tests
import { FIXTURE_CURRENT_USER, startSalesforceApp } from '../fixtures/salesforce-app.js';
import { loadFixturePage } from './fixture-page';

const ORIGIN = 'https://acme.zendesk.com';
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('Zendesk: who is signed in, from GET /api/v2/users/me.json', () => {
  it('asks the same origin with the session cookie and returns the agent email, normalised', async () => {
    const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => json({ user: { id: 381, name: 'Sam Agent', email: ' Sam.Agent@Acme.example ', role: 'agent' } }));
    expect(await readZendeskAgent(ORIGIN, fetch as typeof globalThis.fetch)).toEqual({ found: true, platform: 'zendesk', email: 'sam.agent@acme.example' });
    expect(fetch).toHaveBeenCalledOnce();
    expect(fetch.mock.calls[0]![0]).toBe(`${ORIGIN}${ZENDESK_ME_PATH}`);
    expect(fetch.mock.calls[0]![1]).toMatchObject({ credentials: 'include' });
  });

  it('takes admins too', async () => {
    const identity = await readZendeskAgent(ORIGIN, async () => json({ user: { id: 1, email: 'lead@acme.example', role: 'admin' } }));
    expect(identity).toEqual({ found: true, platform: 'zendesk', email: 'lead@acme.example' });
  });

  it.each([
    ['an anonymous session (Zendesk answers a placeholder user)', async () => json({ user: { id: null, name: 'Anonymous user', email: 'invalid@example.com', role: 'end-user' } }), /nobody is signed in/],
    ['an end user, not an agent', async () => json({ user: { id: 5, email: 'customer@example.com', role: 'end-user' } }), /not an agent \(role end-user\)/],
    ['an agent without an email', async () => json({ user: { id: 5, email: null, role: 'agent' } }), /no email/],
    ['a refused request', async () => json({ error: 'Couldn\'t authenticate you' }, 401), /answered 401/],
    ['a network failure', async () => Promise.reject(new TypeError('Failed to fetch')), /did not answer: Failed to fetch/],
    ['an HTML page instead of JSON', async () => new Response('<html>login</html>', { status: 200 }), /did not answer JSON/],
    ['JSON without a user', async () => json({ users: [] }), /named no user/],
  ])('says plainly why not, for %s', async (_case, answer, problem) => {
    const identity = await readZendeskAgent(ORIGIN, answer as typeof fetch);
    expect(identity).toMatchObject({ found: false, platform: 'zendesk' });
    expect(identity.found === false && identity.problem).toMatch(problem);
  });
});

describe('Salesforce: who is signed in, from Lightning\'s $A (CurrentUser global value provider)', () => {
  const CASE_URL = 'https://acme.lightning.force.com/lightning/r/Case/5005g00000AbCdEAAV/view';
  // The page-world bridge, as entrypoints/salesforce-user.ts runs it (happy-dom has one world).
  const inject = async () => serveCurrentUser(window);
  afterEach(() => {
    document.documentElement.innerHTML = '';
    delete (window as { $A?: unknown }).$A;
  });

  it('reads the current user email on the fixture org', async () => {
    loadFixturePage('salesforce/case-console.html', CASE_URL);
    startSalesforceApp(window);
    expect(await readSalesforceAgent(document, { inject })).toEqual({ found: true, platform: 'salesforce', email: FIXTURE_CURRENT_USER.Email });
  });

  it('waits for Aura to boot, then reads the user', async () => {
    loadFixturePage('salesforce/case-console.html', CASE_URL);
    startSalesforceApp(window, { currentUser: null });
    setTimeout(() => Object.assign(window, { $A: { get: (e: string) => (e === '$SObjectType.CurrentUser.Email' ? 'Late.Boot@acme.example' : undefined) } }), 30);
    expect(await readSalesforceAgent(document, { inject, attempts: 5, intervalMs: 20 })).toEqual({ found: true, platform: 'salesforce', email: 'late.boot@acme.example' });
  });

  it('says so when the page has no Lightning framework, or it names nobody', async () => {
    loadFixturePage('salesforce/case-console.html', CASE_URL);
    startSalesforceApp(window, { currentUser: null });
    expect(await readSalesforceAgent(document, { inject, attempts: 2, intervalMs: 5 })).toEqual({ found: false, platform: 'salesforce', problem: 'this page has no Lightning (Aura) framework yet' });
    Object.assign(window, { $A: { get: () => undefined } });
    expect(await readSalesforceAgent(document, { inject, attempts: 1 })).toMatchObject({ found: false, problem: 'Lightning did not name the current user' });
    Object.assign(window, { $A: { get: () => 'not-an-email' } });
    expect(await readSalesforceAgent(document, { inject, attempts: 1 })).toMatchObject({ found: false, problem: /no valid email/ });
  });

  it('says so when the page will not run the reader', async () => {
    const identity = await readSalesforceAgent(document, { inject: async () => Promise.reject(new Error('blocked by CSP')) });
    expect(identity).toEqual({ found: false, platform: 'salesforce', problem: "the page would not run AITL's reader (blocked by CSP)" });
  });
});
