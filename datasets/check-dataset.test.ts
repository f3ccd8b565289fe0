import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDataset } from './check-dataset';

const BRIGHTBANK = path.join(import.meta.dirname, 'brightbank');
let copy = '';
afterEach(() => {
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
  copy = '';
});

function brokenCopy(edit: (dir: string) => void): string {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-dataset-'));
  fs.cpSync(BRIGHTBANK, copy, { recursive: true });
  edit(copy);
  return copy;
}

describe('checkDataset', () => {
  it('finds nothing wrong with the Brightbank holdout set', () => {
    const { problems, summary } = checkDataset(BRIGHTBANK);
    expect(problems).toEqual([]);
    expect(summary).toMatch(/articles +\d+ in \d+ sections/);
  });

  const editTickets = (edit: (lines: string[]) => void) =>
    brokenCopy((d) => {
      const file = path.join(d, 'tickets.jsonl');
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      edit(lines);
      fs.writeFileSync(file, lines.join('\n') + '\n');
    });

  it('names a ticket whose relevant article does not exist', () => {
    const dir = editTickets((lines) => {
      const first = JSON.parse(lines[0]!) as { ticketId: string; relevant: string[] };
      first.relevant = ['no-such-article'];
      lines[0] = JSON.stringify(first);
    });
    expect(checkDataset(dir).problems.filter((p) => p.includes('"no-such-article"'))).toHaveLength(1);
  });

  it('refuses a repeated ticket id', () => {
    const dir = editTickets((lines) => lines.push(lines[1]!));
    expect(() => checkDataset(dir)).toThrow(/already used/);
  });

  it('refuses a gaps row whose answer does not say it closes that gap', () => {
    const dir = brokenCopy((d) => {
      const file = path.join(d, 'gaps.jsonl');
      const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ticketId: string; answeredBy: string | null });
      const open = rows.find((r) => r.answeredBy === null)!;
      open.answeredBy = rows.find((r) => r.answeredBy !== null)!.answeredBy;
      fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    });
    expect(checkDataset(dir).problems.some((p) => p.includes('is not a kb-later article closing'))).toBe(true);
  });
});
