import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvalInputError } from '../server/src/knowledge/evaluation';
import { KbImportError } from '../server/src/knowledge/sources/source-article';
import { checkDataset } from './check-dataset';

const PARCELPOINT = path.join(import.meta.dirname, 'parcelpoint');
const copies: string[] = [];

/** A scratch copy of the ParcelPoint dataset with one file changed. */
function brokenCopy(file: string, change: (text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dataset-'));
  copies.push(dir);
  fs.cpSync(PARCELPOINT, dir, { recursive: true });
  const target = path.join(dir, file);
  fs.writeFileSync(target, change(fs.readFileSync(target, 'utf8')));
  return dir;
}

afterEach(() => {
  for (const dir of copies.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('checkDataset', () => {
  it('finds nothing wrong with the ParcelPoint set and counts what it holds', () => {
    const { counts, problems } = checkDataset(PARCELPOINT);
    expect(problems).toEqual([]);
    const articles = fs.readdirSync(path.join(PARCELPOINT, 'kb'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).length;
    const tickets = fs.readFileSync(path.join(PARCELPOINT, 'tickets.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).length;
    expect(counts[0]).toContain(`${articles} articles`);
    expect(counts[0]).toContain(`${tickets} tickets`);
  });

  it('names a ticket whose relevant article does not exist', () => {
    const dir = brokenCopy('tickets.jsonl', (t) => t.replace('"relevant": ["lck-extend"]', '"relevant": ["lck-extend-by-a-day"]'));
    expect(checkDataset(dir).problems).toEqual([expect.stringMatching(/names "lck-extend-by-a-day", which is not in kb\//)]);
  });

  it('catches a kb-later article and gaps.jsonl that disagree about which gap it closes', () => {
    const dir = brokenCopy('kb-later/sending/snd-tyres.md', (t) => t.replace(/closes_gaps: \["(\d+)"\]/, 'closes_gaps: ["70042"]'));
    const { problems } = checkDataset(dir);
    expect(problems.some((p) => p.includes('"snd-tyres" closes 70042'))).toBe(true);
    expect(problems.some((p) => p.includes('answered by "snd-tyres", whose closes_gaps does not name it'))).toBe(true);
  });

  it('stops with the file and line when an article has no title or a ticket id repeats', () => {
    const noTitle = brokenCopy('kb/app/app-beta.md', (t) => t.replace(/^title: .*$/m, 'title: ""'));
    expect(() => checkDataset(noTitle)).toThrow(KbImportError);
    const repeated = brokenCopy('tickets.jsonl', (t) => t + t.split('\n')[0] + '\n');
    expect(() => checkDataset(repeated)).toThrow(EvalInputError);
  });
});
