import fs from 'node:fs';
import { z } from 'zod';
import { DEMO_TICKETS } from '../../demo';

/**
 * The tickets the demo helpdesk opens in tabs: a few of the labelled demo tickets (demo/tickets.jsonl),
 * chosen to show a one-line question, a follow-up conversation and a chat. The labels (`relevant`)
 * are the eval's answers and never reach the page.
 */
export const WORKSPACE_TICKET_IDS = ['50001', '50003', '50016', '50005', '50253', '50201'] as const;

const DemoTicketLine = z.object({
  ticketId: z.string().regex(/^\d+$/),
  subject: z.string().optional(),
  messages: z.array(z.object({ role: z.enum(['customer', 'agent']), text: z.string() })).min(1),
});

export interface WorkspaceTicket {
  ticketId: string;
  subject: string;
  requester: string;
  messages: { role: 'customer' | 'agent'; author: string; text: string; at: string }[];
}

/** Fictional customers, one per tab, so the page reads like a helpdesk and not like a fixture. */
const REQUESTERS = ['Maya Lindqvist', 'Tomás Ferreira', 'Aiko Tanaka', 'Grace Okafor', 'Liam Novak', 'Priya Raman'];
export const DEMO_AGENT_NAME = 'Demo Agent';

/** Reads the workspace's tickets from the demo file; a missing or malformed line is an error that names it. */
export function readWorkspaceTickets(file = DEMO_TICKETS, ids: readonly string[] = WORKSPACE_TICKET_IDS): WorkspaceTicket[] {
  const wanted = new Set(ids);
  const found = new Map<string, z.infer<typeof DemoTicketLine>>();
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (!line.trim()) return;
      const parsed = DemoTicketLine.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${index + 1} is not a demo ticket: ${parsed.error.issues[0]?.message}`);
      if (wanted.has(parsed.data.ticketId)) found.set(parsed.data.ticketId, parsed.data);
    });
  // Messages a few minutes apart, ending an hour ago: enough for timestamps that look alive.
  const start = Date.now() - 60 * 60_000;
  return ids.map((id, t) => {
    const ticket = found.get(id);
    if (!ticket) throw new Error(`demo ticket ${id} is not in ${file}`);
    const requester = REQUESTERS[t % REQUESTERS.length]!;
    return {
      ticketId: ticket.ticketId,
      // A chat or a phone ticket may have no subject; Zendesk then shows the first words.
      subject: ticket.subject ?? ticket.messages[0]!.text.slice(0, 60),
      requester,
      messages: ticket.messages.map((m, i) => ({
        role: m.role,
        author: m.role === 'customer' ? requester : DEMO_AGENT_NAME,
        text: m.text,
        at: new Date(start - (ticket.messages.length - i) * 7 * 60_000).toISOString(),
      })),
    };
  });
}
