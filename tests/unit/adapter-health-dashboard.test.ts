import { describe, expect, it } from 'vitest';
import { healthGroups, latestFailures, outcomeLabel } from '../../dashboard/src/adapter-health-series';
import type { AdapterHealthDay, AdapterHealthSelectorMetric } from '../../lib/contract/adapter-health';

const sel = (selector: string, outcome: AdapterHealthSelectorMetric['outcome'], candidate: number | null, n: number, of: number): AdapterHealthSelectorMetric => ({
  selector,
  outcome,
  candidate,
  tickets: { rate: n / of, numerator: n, denominator: of },
});

const DAYS: AdapterHealthDay[] = [
  { day: '2026-12-02', site: 'zendesk', extensionVersion: '1.4.2', tickets: 30, selectors: [sel('composer', 'failed', null, 17, 30), sel('tags', 'failed', null, 3, 30), sel('subject', 'fallback', 1, 28, 30), sel('subject', 'primary', 0, 2, 30)] },
  { day: '2026-12-01', site: 'zendesk', extensionVersion: '1.4.2', tickets: 37, selectors: [sel('tags', 'failed', null, 40, 40), sel('subject', 'primary', 0, 37, 37)] },
  { day: '2026-12-02', site: 'salesforce', extensionVersion: '1.5.0', tickets: 20, selectors: [sel('feedBody', 'fallback', 2, 9, 20)] },
];

describe('adapter health on the dashboard', () => {
  it('lays days out oldest first per site and version, without primaries, the new failure on top', () => {
    const [zendesk, salesforce] = healthGroups(DAYS);
    expect(zendesk).toMatchObject({ site: 'zendesk', extensionVersion: '1.4.2', days: ['2026-12-01', '2026-12-02'], tickets: [37, 30] });
    // composer broke today (17 tickets): above tags, which fails a little every day although it hit more tickets in total.
    expect(zendesk!.rows.map((r) => `${r.selector} ${outcomeLabel(r)}`)).toEqual(['composer failed', 'tags failed', 'subject fallback #1']);
    expect(zendesk!.rows[0]!.cells).toEqual([null, { rate: 17 / 30, numerator: 17, denominator: 30 }]);
    expect(salesforce).toMatchObject({ site: 'salesforce', days: ['2026-12-02'], rows: [{ selector: 'feedBody', outcome: 'fallback', candidate: 2 }] });
  });

  it('leads with the newest day failures, most tickets first', () => {
    expect(latestFailures(DAYS).map((f) => `${f.site} ${f.selector} ${f.tickets.numerator}`)).toEqual(['zendesk composer 17', 'zendesk tags 3']);
    expect(latestFailures([])).toEqual([]);
  });
});
