import { describe, expect, it } from 'vitest';
import { respond, team } from '../../../bench/bias-agents';
import { STYLES, classifyStyle, seededRandom, writeReply } from '../../../bench/bias-styles';

const facts = { name: 'Anna', order: 'A-12345', product: 'kettle' };

describe('the bias bench style classifier', () => {
  it('gives every generated reply the style it was written in', () => {
    const r = seededRandom(3);
    for (const style of STYLES) {
      for (let i = 0; i < 200; i++) expect(classifyStyle(writeReply(style, facts, r))).toBe(style);
    }
  });

  it('reads the shape of hand-written replies', () => {
    expect(classifyStyle('Hi Anna, your refund is on its way.')).toBe('brief');
    expect(classifyStyle('Hi Anna, your refund is on its way. It takes about five days. Sorry for the trouble!')).toBe('standard');
    expect(classifyStyle('Hi Anna, your refund is on its way.\nBest, Sam')).toBe('brief');
    expect(classifyStyle('Hi Anna, here is how:\n1. Print the label.\n2. Drop the parcel off.\nThanks!')).toBe('detailed');
    // One numbered line is not a list of steps.
    expect(classifyStyle('Hi Anna, your refund is on its way.\n1. That is all.')).toBe('brief');
  });

  it('keeps the style through a touch-up and takes the agent\u2019s own on a rewrite', () => {
    const r = seededRandom(5);
    const agents = team();
    let touchedUp = 0;
    let rewritten = 0;
    for (let i = 0; i < 600; i++) {
      const agent = agents[i % agents.length]!;
      const style = STYLES[i % STYLES.length]!;
      const suggestion = { style, text: writeReply(style, facts, r) };
      const act = respond(agent, facts, suggestion, r);
      if (act.action === 'send' || act.action === 'touch_up') {
        touchedUp++;
        expect(classifyStyle(act.sentText)).toBe(style);
      }
      if (act.action === 'rewrite' || act.action === 'ignore') {
        rewritten++;
        expect(classifyStyle(act.sentText)).toBe(agent.style);
      }
      if (act.action === 'send') expect(act.outcome).toBe('as_is');
    }
    expect(touchedUp).toBeGreaterThan(400);
    expect(rewritten).toBeGreaterThan(10);
  });
});
