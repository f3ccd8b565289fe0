// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdapterHealthReport } from '../../lib/contract';
import { nextHealthReport, recordSelectorHealth, settleHealthReport } from '../../lib/outbox/adapter-health';
import { OverlayDb } from '../../lib/outbox/db';

const DAY1 = Date.parse('2026-11-30T10:00:00Z');
const DAY2 = Date.parse('2026-12-01T09:00:00Z');
const look = (ticketId: string, outcomes: Record<string, number | null>, over: { now?: number; extensionVersion?: string; site?: 'zendesk' | 'salesforce' } = {}) => ({
  site: over.site ?? ('zendesk' as const),
  ticketId,
  extensionVersion: over.extensionVersion ?? '1.4.2',
  outcomes,
  now: over.now ?? DAY1,
});

describe('adapter health counts on the device', () => {
  let db: OverlayDb;
  let name: string;
  beforeEach(() => {
    name = `aitl-health-${crypto.randomUUID()}`;
    db = new OverlayDb(name);
  });
  afterEach(async () => {
    db.close();
    await Dexie.delete(name);
  });

  it('counts each ticket once per day, site, version, selector and outcome', async () => {
    await recordSelectorHealth(db, look('101', { subject: 1, composer: 0, tags: null }));
    await recordSelectorHealth(db, look('101', { subject: 1, composer: 0, tags: null })); // the agent came back to it
    await recordSelectorHealth(db, look('102', { subject: 0, composer: 0 }));
    await recordSelectorHealth(db, look('103', { subject: 1 }, { now: DAY2 }));
    await recordSelectorHealth(db, look('101', { subject: 1 }, { extensionVersion: '1.5.0' }));
    await recordSelectorHealth(db, look('101', { activePane: null }, { site: 'salesforce' }));

    const sealed = await nextHealthReport(db, DAY2);
    const report = AdapterHealthReport.parse(sealed!.report);
    expect(report.extensionVersion).toBe('1.4.2');
    expect(report.tickets.sort((a, b) => a.day.localeCompare(b.day) || a.site.localeCompare(b.site))).toEqual([
      { day: '2026-11-30', site: 'salesforce', tickets: 1 },
      { day: '2026-11-30', site: 'zendesk', tickets: 2 },
      { day: '2026-12-01', site: 'zendesk', tickets: 1 },
    ]);
    const rows = report.selectors.map((s) => `${s.day} ${s.site} ${s.selector} ${s.outcome}${s.candidate ? `#${s.candidate}` : ''} ${s.tickets}`).sort();
    expect(rows).toEqual([
      '2026-11-30 salesforce activePane failed 1',
      '2026-11-30 zendesk composer primary 2',
      '2026-11-30 zendesk subject fallback#1 1',
      '2026-11-30 zendesk subject primary 1',
      '2026-11-30 zendesk tags failed 1',
      '2026-12-01 zendesk subject fallback#1 1',
    ]);
    // Nothing of a ticket leaves the device: no id, no hash.
    expect(JSON.stringify(report)).not.toMatch(/10[123]/);
    expect(JSON.stringify(report)).not.toMatch(/[0-9a-f]{24}/);
  });

  it('resends the sealed report under the same id until settled; what was counted meanwhile goes in the next one', async () => {
    await recordSelectorHealth(db, look('1', { subject: 1 }));
    const first = await nextHealthReport(db);
    expect(await nextHealthReport(db)).toEqual(first);
    await recordSelectorHealth(db, look('2', { subject: 1 }));
    // Ticket 1 is not counted again after its report was sealed.
    await recordSelectorHealth(db, look('1', { subject: 1 }));
    expect((await nextHealthReport(db))!.id).toBe(first!.id);
    await settleHealthReport(db, first!.id);
    const second = await nextHealthReport(db);
    expect(second!.id).not.toBe(first!.id);
    expect(second!.report.selectors).toEqual([{ day: '2026-11-30', site: 'zendesk', selector: 'subject', outcome: 'fallback', candidate: 1, tickets: 1 }]);
    await settleHealthReport(db, second!.id);
    expect(await nextHealthReport(db)).toBeNull();
  });

  it('puts one extension version in a report, the other in the next', async () => {
    await recordSelectorHealth(db, look('1', { subject: 0 }, { extensionVersion: '1.4.2' }));
    await recordSelectorHealth(db, look('1', { subject: 0 }, { extensionVersion: '1.5.0' }));
    const a = await nextHealthReport(db);
    await settleHealthReport(db, a!.id);
    const b = await nextHealthReport(db);
    expect([a!.report.extensionVersion, b!.report.extensionVersion].sort()).toEqual(['1.4.2', '1.5.0']);
  });

  it('keeps pending and sealed counts across a browser restart (the database closed and opened again)', async () => {
    await recordSelectorHealth(db, look('1', { subject: 1 }));
    const sealed = await nextHealthReport(db);
    await recordSelectorHealth(db, look('2', { composer: null }));
    db.close();
    db = new OverlayDb(name);
    expect(await nextHealthReport(db)).toEqual(sealed);
    await settleHealthReport(db, sealed!.id);
    expect((await nextHealthReport(db))!.report.selectors).toEqual([{ day: '2026-11-30', site: 'zendesk', selector: 'composer', outcome: 'failed', tickets: 1 }]);
  });

  it('opens a version 1 database (before adapter health) without losing its outbox', async () => {
    db.close();
    await Dexie.delete(name);
    const v1 = new Dexie(name);
    v1.version(1).stores({ annotations: '&id, capturedAt', outbox: '&id, queuedAt, notBefore', deadLetters: '&id, movedAt', kv: '&key' });
    await v1.table('outbox').put({ id: 'a1', queuedAt: 1, notBefore: 0 });
    await v1.table('kv').put({ key: 'clientId', value: 'c1' });
    v1.close();
    db = new OverlayDb(name);
    expect(await db.outbox.toArray()).toEqual([{ id: 'a1', queuedAt: 1, notBefore: 0 }]);
    expect(await db.getValue('clientId')).toBe('c1');
    await recordSelectorHealth(db, look('1', { subject: 0 }));
    expect(await db.healthPending.count()).toBe(2);
    expect(db.verno).toBe(2);
  });

  it('forgets which tickets it counted after two days, so the device does not grow', async () => {
    await recordSelectorHealth(db, look('1', { subject: 0 }, { now: DAY1 }));
    expect(await db.healthSeen.count()).toBe(2);
    await recordSelectorHealth(db, look('2', { subject: 0 }, { now: DAY1 + 3 * 86_400_000 }));
    expect(await db.healthSeen.count()).toBe(2);
  });

  it('drops counts older than the server accepts before sealing, so they cannot get fresh counts refused', async () => {
    await recordSelectorHealth(db, look('1', { subject: 1 }, { now: DAY1 - 40 * 86_400_000 }));
    await recordSelectorHealth(db, look('2', { subject: 1 }, { now: DAY1 }));
    const sealed = await nextHealthReport(db, DAY1);
    expect(sealed!.report.tickets).toEqual([{ day: '2026-11-30', site: 'zendesk', tickets: 1 }]);
    expect(await db.healthPending.count()).toBe(0);
  });
});
