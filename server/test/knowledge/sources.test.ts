import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSource } from '../../src/knowledge/sources/read-source';
import { KbImportError } from '../../src/knowledge/sources/source-article';

const FIXTURES = fileURLToPath(new URL('../fixtures/kb/', import.meta.url));
const fixture = (p: string) => `${FIXTURES}${p}`;

function problemsOf(target: string): string[] {
  try {
    readSource(fixture(target));
  } catch (error) {
    if (error instanceof KbImportError) return error.problems;
    throw error;
  }
  throw new Error(`${target} was expected to fail`);
}

describe('reading knowledge-base exports', () => {
  it('reads a folder of Zendesk Help Center pages: ids kept, HTML cleaned, drafts skipped', () => {
    const { format, articles, skipped } = readSource(fixture('zendesk'));
    expect(format).toBe('zendesk');
    expect(articles.map((a) => a.externalId)).toEqual(['360001234501', '360001234502', '360001234504']);
    const router = articles[0]!;
    expect(router).toMatchObject({
      title: 'Reset your router',
      url: 'https://acme.zendesk.com/hc/en-us/articles/360001234501-Reset-your-router',
      sourceUpdatedAt: '2026-03-02T10:15:00.000Z',
      at: 'articles-page-1.json:3',
    });
    // Entities decoded, tags, scripts and images gone, list structure kept as text.
    expect(router.body).toContain('Resetting erases your Wi‑Fi name & password.');
    expect(router.body).toMatch(/1\. Press and hold Reset for 10 seconds\.\n\s*2\. Wait for the light to turn green\./);
    expect(router.body).not.toMatch(/<|alert|diagram|&amp;|&nbsp;/);
    expect(articles[1]!.body).toContain('Basic   $5');
    expect(skipped).toEqual(['articles-page-2.json:3: "Upcoming feature (draft)" is a draft']);
  });

  it('reads a folder of Markdown files with front matter, recursively, ignoring other files', () => {
    const { format, articles } = readSource(fixture('markdown'));
    expect(format).toBe('markdown');
    const byId = Object.fromEntries(articles.map((a) => [a.externalId, a]));
    expect(Object.keys(byId).sort()).toEqual(['KB-100', 'KB-200']);
    expect(byId['KB-100']).toMatchObject({ title: 'Reset your password', url: 'https://help.acme.example/kb-100', at: 'reset-password.md:1' });
    expect(byId['KB-100']!.body).toContain('Open Sign in and choose Forgot password.');
    expect(byId['KB-100']!.body).not.toMatch(/\*\*|\]\(/);
    expect(byId['KB-200']).toMatchObject({ title: 'Refunds: how long they take', url: null, sourceUpdatedAt: '2026-04-01T00:00:00.000Z' });
  });

  it('reads CSV with quoted multi-line bodies, HTML or plain, skipping empty bodies', () => {
    const { format, articles, skipped } = readSource(fixture('csv/articles.csv'));
    expect(format).toBe('csv');
    expect(articles.map((a) => [a.externalId, a.at.split('/').at(-1)])).toEqual([
      ['c-1', 'articles.csv:2'],
      ['c-2', 'articles.csv:5'],
    ]);
    expect(articles[0]!.body).toBe('You can change the address until the parcel ships.\n\nOpen Orders, pick the order and choose "Change address".');
    expect(articles[1]!.body).toBe('Gift cards never expire.');
    expect(skipped).toEqual([expect.stringMatching(/articles\.csv:6: "Empty one" has an empty body$/)]);
  });

  it('names file and line for broken JSON, bad fields, bad front matter, duplicate ids and broken CSV', () => {
    expect(problemsOf('zendesk-broken/syntax.json')).toEqual([expect.stringMatching(/syntax\.json:11: not valid JSON \(CommaExpected\)$/)]);
    expect(problemsOf('zendesk-broken/invalid.json')).toEqual([
      expect.stringMatching(/invalid\.json:9: the article has no title$/),
      expect.stringMatching(/invalid\.json:13: url "javascript:alert\(1\)" is not an http\(s\) URL/),
    ]);
    // Every problem of every file, not just the first.
    expect(problemsOf('markdown-broken')).toEqual([
      expect.stringMatching(/^bad-yaml\.md:4: front matter is not valid YAML/),
      expect.stringMatching(/^no-front-matter\.md:1: no front matter/),
      'dup-b.md:1: id "KB-9" is already used by the article at dup-a.md:1',
    ]);
    expect(problemsOf('csv/unclosed.csv')).toEqual([expect.stringMatching(/unclosed\.csv:4: not valid CSV: Quote Not Closed/)]);
    expect(problemsOf('csv/missing-column.csv')).toEqual([expect.stringMatching(/missing-column\.csv:1: the header lacks column\(s\) title, body/)]);
    expect(problemsOf('csv/bad-rows.csv')).toEqual([
      expect.stringMatching(/bad-rows\.csv:3: the article has no title$/),
      expect.stringMatching(/bad-rows\.csv:4: url "not a url"/),
    ]);
    expect(problemsOf('no-such-folder')).toEqual([expect.stringMatching(/no-such-folder: no such file or folder$/)]);
  });

  it('says "nothing was imported" and lists the problems in its message', () => {
    expect(() => readSource(fixture('csv/bad-rows.csv'))).toThrow(/^nothing was imported; fix these and run the import again:\n {2}.*bad-rows\.csv:3/);
  });
});
