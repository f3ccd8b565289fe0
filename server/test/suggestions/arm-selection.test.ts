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

  it('show each slot on the left about half the time, and pick arms by weight', () => {
    const ids = Array.from({ length: 2000 }, () => uuidv7());
    const leftA = ids.filter((id) => displayOrder(id, ['A', 'B'])[0] === 'A').length;
    expect(leftA).toBeGreaterThan(850);
    expect(leftA).toBeLessThan(1150);

    const weighted = [
      { ...arms[0]!, id: 'heavy', weight: 3 },
      { ...arms[1]!, id: 'light', weight: 1 },
    ];
    const heavyFirst = ids.filter((id) => armOrder(weighted, id)[0]!.id === 'heavy').length;
    expect(heavyFirst / ids.length).toBeGreaterThan(0.68);
    expect(heavyFirst / ids.length).toBeLessThan(0.82);
  });
});
