import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { armOrder, displayOrder } from '../../src/suggestions/arm-selection';
import { loadArms } from '../../src/suggestions/arms-config';


describe('arm choice and display order', () => {
  const arms = loadArms({});

  it('are a function of the impression id', () => {
    const id = uuidv7();
    expect(displayOrder(id, ['A', 'B'])).toEqual(displayOrder(id, ['B', 'A']));
    expect(armOrder(arms, id).map((a) => a.id)).toEqual(armOrder(arms, id).map((a) => a.id));
    expect(displayOrder(id, ['B'])).toEqual(['B']);
  });

  it('show each slot on the left about half the time, and pick challengers by weight', () => {
    const ids = Array.from({ length: 2000 }, () => uuidv7());
    const leftA = ids.filter((id) => displayOrder(id, ['A', 'B'])[0] === 'A').length;
    expect(leftA).toBeGreaterThan(850);
    expect(leftA).toBeLessThan(1150);

    const weighted = [
      { ...arms[0]!, id: 'champion', weight: 0.001 },
      { ...arms[1]!, id: 'heavy', weight: 3 },
      { ...arms[1]!, id: 'light', weight: 1 },
    ];
    const heavySecond = ids.filter((id) => armOrder(weighted, id)[1]!.id === 'heavy').length;
    expect(heavySecond / ids.length).toBeGreaterThan(0.68);
    expect(heavySecond / ids.length).toBeLessThan(0.82);
  });

  it('ask the champion first whatever the weights: the first configured arm until a turn promotes another', () => {
    const three = [
      { ...arms[0]!, id: 'first', weight: 0.001 },
      { ...arms[1]!, id: 'second', weight: 1000 },
      { ...arms[1]!, id: 'third', weight: 1000 },
    ];
    const ids = Array.from({ length: 300 }, () => uuidv7());
    expect(new Set(ids.map((id) => armOrder(three, id)[0]!.id))).toEqual(new Set(['first']));
    expect(new Set(ids.map((id) => armOrder(three, id, null)[0]!.id))).toEqual(new Set(['first']));
    expect(new Set(ids.map((id) => armOrder(three, id, 'third')[0]!.id))).toEqual(new Set(['third']));
    // A champion that is no longer configured: the first configured arm stands in.
    expect(new Set(ids.map((id) => armOrder(three, id, 'gone')[0]!.id))).toEqual(new Set(['first']));
    // Every arm is still in the order, once: a failed champion falls back to a challenger.
    for (const id of ids.slice(0, 20)) expect(armOrder(three, id, 'third').map((a) => a.id).sort()).toEqual(['first', 'second', 'third']);
    // The challenger beside the champion varies across impressions.
    const even = three.map((a) => ({ ...a, weight: 1 }));
    expect(new Set(ids.map((id) => armOrder(even, id, 'third')[1]!.id))).toEqual(new Set(['first', 'second']));
  });
});
