import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../plugins/errors';
import { DASHBOARD_CSP } from '../dashboard';
import { readWorkspaceTickets, type WorkspaceTicket } from './workspace-tickets';

const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));
const ASSETS: Record<string, string> = {
  'workspace.js': 'text/javascript; charset=utf-8',
  'workspace.css': 'text/css; charset=utf-8',
};

/**
 * The demo helpdesk (`aitl serve --demo` only): a Zendesk-like agent workspace over a few demo
 * tickets, so the extension can be tried without a helpdesk account. Its tickets live at Zendesk's
 * own paths (`/agent/tickets/<id>`), so the extension reads it with its unchanged Zendesk adapter,
 * as a custom site. Same CSP as the dashboard: only files from this origin, nothing inline.
 */
export default async function demoHelpdeskRoutes(app: FastifyInstance, opts: { tickets?: WorkspaceTicket[] }) {
  const tickets = opts.tickets ?? readWorkspaceTickets();
  const ids = new Set(tickets.map((t) => t.ticketId));
  const page = fs.readFileSync(new URL('./assets/workspace.html', import.meta.url), 'utf8');
  const assets = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { type, body: fs.readFileSync(`${ASSETS_DIR}${name}`, 'utf8') }]));

  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', DASHBOARD_CSP);
    reply.header('cache-control', 'no-cache');
  });
  const first = `/agent/tickets/${tickets[0]!.ticketId}`;
  app.get('/demo', async (_request, reply) => reply.redirect(first));
  app.get('/demo/', async (_request, reply) => reply.redirect(first));
  app.get('/agent/tickets', async (_request, reply) => reply.redirect(first));
  app.get('/demo/tickets.json', async () => ({ tickets }));
  app.get<{ Params: { name: string } }>('/demo/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) throw new HttpError(404, 'not_found', `no demo asset ${request.params.name}`);
    return reply.type(asset.type).send(asset.body);
  });
  app.get<{ Params: { id: string } }>('/agent/tickets/:id', async (request, reply) => {
    if (!ids.has(request.params.id)) throw new HttpError(404, 'not_found', `the demo helpdesk has no ticket ${request.params.id}; open ${first}`);
    return reply.type('text/html; charset=utf-8').send(page);
  });
}
