import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import type { Database } from '../../src/db/database';
import { DASHBOARD_CSP } from '../../src/routes/dashboard';
import { readWorkspaceTickets, WORKSPACE_TICKET_IDS } from '../../src/routes/demo-helpdesk/workspace-tickets';
import { TEST_CONFIG } from '../helpers/app';
import { testDatabases } from '../helpers/databases';

const NO_SHEDDING = { suggestionsConcurrency: 1000, syncConcurrency: 1000, maxEventLoopDelayMs: 0 };

describe.each(testDatabases())('the demo helpdesk on $name', (testDb) => {
  let db: Database;
  let demo: FastifyInstance;
  let plain: FastifyInstance;

  beforeAll(async () => {
    db = await testDb.open();
    const options = { config: { ...TEST_CONFIG, load: NO_SHEDDING }, db, logStream: { write() {} } };
    demo = await buildApp({ ...options, demoHelpdesk: true });
    plain = await buildApp(options);
  });
  afterAll(async () => {
    await demo?.close();
    await plain?.close();
    await db?.close();
    await testDb.cleanup();
  });

  it('exists only when the server runs with --demo', async () => {
    for (const url of ['/demo/', '/agent/tickets/50001', '/demo/tickets.json', '/demo/assets/workspace.js']) {
      expect((await plain.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('opens the first ticket at its Zendesk-style path, under the dashboard CSP', async () => {
    const start = await demo.inject({ method: 'GET', url: '/demo/' });
    expect(start.statusCode).toBe(302);
    expect(start.headers.location).toBe(`/agent/tickets/${WORKSPACE_TICKET_IDS[0]}`);
    const page = await demo.inject({ method: 'GET', url: start.headers.location as string });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(page.body).toContain('<script type="module" src="/demo/assets/workspace.js">');
    // Nothing inline for the CSP to refuse.
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=/);
    const script = await demo.inject({ method: 'GET', url: '/demo/assets/workspace.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).not.toContain('innerHTML');
    expect((await demo.inject({ method: 'GET', url: '/demo/assets/workspace.css' })).headers['content-type']).toMatch(/^text\/css/);
    // The demo's headers stay on the demo's routes.
    const api = await demo.inject({ method: 'GET', url: '/healthz' });
    expect(api.headers['content-security-policy']).toBe((await plain.inject({ method: 'GET', url: '/healthz' })).headers['content-security-policy']);
  });

  it('says which ticket or file is not there', async () => {
    const ticket = await demo.inject({ method: 'GET', url: '/agent/tickets/123' });
    expect(ticket.statusCode).toBe(404);
    expect(ticket.json().error.message).toContain('no ticket 123');
    expect((await demo.inject({ method: 'GET', url: '/demo/assets/..%2Fworkspace-tickets.ts' })).statusCode).toBe(404);
  });

  it('serves the demo tickets without their relevance labels', async () => {
    const res = await demo.inject({ method: 'GET', url: '/demo/tickets.json' });
    const { tickets } = res.json() as { tickets: Record<string, unknown>[] };
    expect(tickets.map((t) => t.ticketId)).toEqual([...WORKSPACE_TICKET_IDS]);
    expect(tickets[0]).toMatchObject({ subject: 'Refund for annual plan', requester: expect.any(String) });
    expect(res.body).not.toContain('relevant');
    expect(res.body).not.toContain('bill-refund-policy-protect');
  });
});

describe('readWorkspaceTickets', () => {
  it('keeps the order asked for and gives each message an author and a time', () => {
    const [first, second] = readWorkspaceTickets(undefined, ['50016', '50001']);
    expect(first!.ticketId).toBe('50016');
    expect(first!.messages.map((m) => m.author)).toEqual([first!.requester, 'Demo Agent', first!.requester]);
    expect(Date.parse(first!.messages[0]!.at)).toBeLessThan(Date.parse(first!.messages[2]!.at));
    expect(second!.ticketId).toBe('50001');
  });
  it('names a ticket that is not in the file', () => {
    expect(() => readWorkspaceTickets(undefined, ['99999'])).toThrow(/demo ticket 99999 is not in/);
  });
});
