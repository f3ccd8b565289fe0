import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SelectorHealthReporter } from '../../lib/overlay/selector-health-report';
import { SelectorHealth, queryAll, queryFirst } from '../../lib/sites/selector-table';

const LIST = [
  { css: '.new-ui', seen: '2026-11-01', fixture: 'x' },
  { css: '.old-ui', seen: '2026-11-01', fixture: 'x' },
] as const;
const page = (html: string) => {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
};

describe('SelectorHealth', () => {
  it('records the candidate that matched, keeps the best since the reset, and null only when nothing ever matched', () => {
    const health = new SelectorHealth();
    queryFirst(page('<p class="old-ui"></p>'), 'subject', LIST, health);
    expect(health.snapshot()).toEqual({ subject: 1 });
    queryFirst(page('<p class="new-ui"></p>'), 'subject', LIST, health);
    queryFirst(page('<p></p>'), 'subject', LIST, health); // a later lookup that finds nothing does not undo a match
    expect(health.snapshot()).toEqual({ subject: 0 });
    queryAll(page('<p></p>'), 'tags', LIST, health);
    expect(health.snapshot()).toEqual({ subject: 0, tags: null });
    queryAll(page('<p class="old-ui"></p><p class="old-ui"></p>'), 'tags', LIST, health);
    expect(health.snapshot()).toEqual({ subject: 0, tags: 1 });
    health.reset();
    expect(health.snapshot()).toEqual({});
  });
});

describe('SelectorHealthReporter', () => {
  let outcomes: Record<string, number | null>;
  const adapter = { selectorHealth: () => ({ ...outcomes }), resetSelectorHealth: vi.fn(() => (outcomes = {})) };
  const reported: [string, Record<string, number | null>][] = [];
  const reporter = () => new SelectorHealthReporter(adapter, (id, o) => reported.push([id, o]), { settleMs: 1_000, notFoundMs: 5_000 });
  beforeEach(() => {
    vi.useFakeTimers();
    reported.length = 0;
    outcomes = {};
  });
  afterEach(() => vi.useRealTimers());

  it('reports a found ticket once, after it settled, with what the lookups found meanwhile', () => {
    const r = reporter();
    r.begin('7');
    expect(adapter.resetSelectorHealth).toHaveBeenCalled();
    outcomes = { ticketRoot: 0 };
    r.ticketFound();
    outcomes.composer = 1; // the composer rendered after the pane
    vi.advanceTimersByTime(1_000);
    r.end();
    expect(reported).toEqual([['7', { ticketRoot: 0, composer: 1 }]]);
  });

  it('reports a ticket left before it settled when the agent leaves it, and one whose pane never rendered after a while', () => {
    const r = reporter();
    r.begin('8');
    outcomes = { ticketRoot: 0 };
    r.ticketFound();
    r.begin('9'); // next ticket: 8 goes now
    outcomes = { activeTab: 0, ticketRoot: null };
    vi.advanceTimersByTime(4_999);
    expect(reported.map(([id]) => id)).toEqual(['8']);
    vi.advanceTimersByTime(1);
    expect(reported).toEqual([
      ['8', { ticketRoot: 0 }],
      ['9', { activeTab: 0, ticketRoot: null }],
    ]);
  });

  it('says nothing about a ticket left before its pane could render', () => {
    const r = reporter();
    r.begin('10');
    outcomes = { ticketRoot: null };
    vi.advanceTimersByTime(100);
    r.end();
    vi.advanceTimersByTime(10_000);
    expect(reported).toEqual([]);
  });
});
