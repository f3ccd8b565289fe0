import { randomUUID } from 'node:crypto';
import type { AdapterHealthReport, AdapterHealthSelector, AdapterHealthTickets } from '../../lib/contract';
import { storeAdapterHealth } from '../../server/src/adapter-health/store';
import { createToken } from '../../server/src/auth/tokens';
import type { Database } from '../../server/src/db/database';

const dayAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/**
 * Two weeks of adapter health in a tenant: Zendesk on extension 1.4.2 healthy until three days
 * ago, when its subject selector started to match only by its second candidate and, today, its
 * composer stopped matching at all; Salesforce on 1.4.2 and 1.5.0, a field label that failed on
 * a few tickets. Stored through the same function `POST /v1/sync` uses.
 */
export async function seedAdapterHealth(db: Database, tenantId: string): Promise<{ operator: string }> {
  const agent = await createToken(db, { tenantId, role: 'agent', name: 'jane' });
  const operator = await createToken(db, { tenantId, role: 'operator', name: 'ops' });
  const auth = { tokenId: agent.id, tenantId, role: 'agent' as const, name: 'jane' };
  const clientId = randomUUID();
  const send = async (extensionVersion: string, tickets: AdapterHealthTickets[], selectors: AdapterHealthSelector[]) => {
    const report: AdapterHealthReport = { id: randomUUID(), extensionVersion, tickets, selectors };
    const result = await storeAdapterHealth(db, auth, clientId, report);
    if (result.status !== 'stored') throw new Error(`seed report not stored: ${JSON.stringify(result)}`);
  };
  const zt: AdapterHealthTickets[] = [];
  const zs: AdapterHealthSelector[] = [];
  for (let ago = 13; ago >= 0; ago--) {
    const day = dayAgo(ago);
    const n = 30 + ((ago * 7) % 11);
    zt.push({ day, site: 'zendesk', tickets: n });
    const fallback = ago <= 3 ? n - 2 : 0;
    if (fallback > 0) zs.push({ day, site: 'zendesk', selector: 'subject', outcome: 'fallback', candidate: 1, tickets: fallback });
    zs.push({ day, site: 'zendesk', selector: 'subject', outcome: 'primary', candidate: 0, tickets: n - fallback });
    if (ago === 0) zs.push({ day, site: 'zendesk', selector: 'composer', outcome: 'failed', tickets: 17 });
    zs.push({ day, site: 'zendesk', selector: 'composer', outcome: 'primary', candidate: 0, tickets: ago === 0 ? n - 17 : n });
    if (ago % 4 === 1) zs.push({ day, site: 'zendesk', selector: 'logContainer', outcome: 'fallback', candidate: 1, tickets: 2 });
    zs.push({ day, site: 'zendesk', selector: 'tags', outcome: 'failed', tickets: 3 + (ago % 3) });
  }
  await send('1.4.2', zt, zs);
  const st: AdapterHealthTickets[] = [];
  const ss: AdapterHealthSelector[] = [];
  for (let ago = 6; ago >= 2; ago--) {
    st.push({ day: dayAgo(ago), site: 'salesforce', tickets: 12 });
    ss.push({ day: dayAgo(ago), site: 'salesforce', selector: 'field:Case Number', outcome: 'primary', candidate: 0, tickets: 12 });
  }
  await send('1.4.2', st, ss);
  const nt: AdapterHealthTickets[] = [];
  const ns: AdapterHealthSelector[] = [];
  for (let ago = 2; ago >= 0; ago--) {
    nt.push({ day: dayAgo(ago), site: 'salesforce', tickets: 20 });
    ns.push({ day: dayAgo(ago), site: 'salesforce', selector: 'field:Case Number', outcome: 'failed', tickets: 4 - ago });
    ns.push({ day: dayAgo(ago), site: 'salesforce', selector: 'feedBody', outcome: 'fallback', candidate: 2, tickets: 9 });
  }
  await send('1.5.0', nt, ns);
  return { operator: operator.token };
}
