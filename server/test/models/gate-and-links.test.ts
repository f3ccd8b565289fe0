import { describe, expect, it } from 'vitest';
import { ArticleLinkIndex } from '../../src/models/article-links';
import { decide, type SideMetrics } from '../../src/models/gate';
import { servingChain, type PromotionRow } from '../../src/models/store';

const side = (r: number, p: number, tickets = 20): SideMetrics => ({ 'recall@75': r, 'precision@8': p, 'hit@8': 0, 'mrr@8': 0, tickets, versions: { retriever: 'x', reranker: 'y' } });

describe('the promotion gate', () => {
  it('never promotes a candidate worse on either metric, even if better on the other', () => {
    expect(decide([{ name: 'slice', current: side(0.9, 0.12), candidate: side(0.95, 0.119) }]).promote).toBe(false);
    expect(decide([{ name: 'slice', current: side(0.9, 0.12), candidate: side(0.89, 0.2) }]).reason).toMatch(/worse on recall@75/);
  });
  it('promotes only when better on at least one metric', () => {
    expect(decide([{ name: 'slice', current: side(0.9, 0.12), candidate: side(0.9, 0.12) }]).promote).toBe(false);
    expect(decide([{ name: 'slice', current: side(0.9, 0.12), candidate: side(0.9, 0.13) }]).promote).toBe(true);
  });
  it('refuses to decide on too small an eval slice, and honours the thresholds', () => {
    expect(decide([{ name: 'slice', current: side(0.9, 0.12, 5), candidate: side(1, 0.2, 5) }]).reason).toMatch(/too few eval tickets/);
    expect(decide([{ name: 'slice', current: side(0.9, 0.12), candidate: side(0.9, 0.125) }], { minEvalTickets: 15, minGain: 0.01, maxLoss: 0 }).promote).toBe(false);
    expect(decide([{ name: 'slice', current: side(0.9, 0.12), candidate: side(0.899, 0.14) }], { minEvalTickets: 15, minGain: 0, maxLoss: 0.005 }).promote).toBe(true);
  });
  it('requires every evaluated set to be no worse', () => {
    const sets = [
      { name: 'slice', current: side(0.9, 0.12), candidate: side(0.95, 0.14) },
      { name: '--tickets', current: side(0.9, 0.12), candidate: side(0.9, 0.11) },
    ];
    expect(decide(sets).promote).toBe(false);
  });
});

describe('links in a sent reply', () => {
  const index = new ArticleLinkIndex([
    { id: 'a1', externalId: '360001234', url: 'https://help.example.com/hc/en-us/articles/360001234-Reset-your-hub' },
    { id: 'a2', externalId: 'bill-refund-policy', url: 'https://help.example.com/articles/bill-refund-policy' },
    { id: 'a3', externalId: 'refund', url: null },
  ]);
  it('finds articles by URL (query, fragment, trailing slash and punctuation ignored) and by Zendesk id', () => {
    expect(index.linked('See https://help.example.com/articles/bill-refund-policy/?utm=x#top.')).toEqual(['a2']);
    expect(index.linked('Try https://acme.zendesk.com/hc/en-us/articles/360001234-Old-title and let me know')).toEqual(['a1']);
  });
  it('finds ids with a digit or hyphen as whole tokens, never plain words', () => {
    expect(index.linked('per bill-refund-policy you can get a refund')).toEqual(['a2']);
    expect(index.linked('a refund is on its way')).toEqual([]);
  });
});

describe('the serving chain', () => {
  const row = (version: string, action: 'promote' | 'rollback'): PromotionRow => ({ seq: 0, kind: 'reranker', version, action, actor: 't', reason: 'r', turn: null, createdAt: '' });
  it('replays promotions and rollbacks: two rollbacks go back twice', () => {
    expect(servingChain([row('a', 'promote'), row('b', 'promote'), row('a', 'rollback')])).toEqual(['a']);
    expect(servingChain([row('a', 'promote'), row('b', 'promote'), row('c', 'promote'), row('b', 'rollback'), row('a', 'rollback')])).toEqual(['a']);
  });
});
