import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { RowSpill } from '../../../src/batches/build/row-spill';

const tempDirs = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('aitl-batch-'));

describe('RowSpill', () => {
  it('gives the lines back in order, from memory while they are few', async () => {
    const spill = new RowSpill();
    for (const line of ['a', '{"é":"ü"}', 'E{"x":1}\t{"y":2}']) await spill.add(line);
    expect(spill.spilled).toBe(false);
    const got: string[] = [];
    for await (const line of spill.lines()) got.push(line);
    expect(got).toEqual(['a', '{"é":"ü"}', 'E{"x":1}\t{"y":2}']);
    await spill.close();
  });

  it('goes to a temporary file past its memory bound, gives every line back in order, and removes the file', async () => {
    const before = tempDirs();
    const spill = new RowSpill(100);
    const lines = Array.from({ length: 1000 }, (_, i) => `S{"line":${i},"text":"${'ä'.repeat(i % 7)}"}`);
    for (const line of lines) await spill.add(line);
    expect(spill.spilled).toBe(true);
    expect(tempDirs().length).toBe(before.length + 1);
    const got: string[] = [];
    for await (const line of spill.lines()) got.push(line);
    expect(got).toEqual(lines);
    await spill.close();
    expect(tempDirs()).toEqual(before);
  });
});
