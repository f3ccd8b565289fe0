import { describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../src/annotations/insert-statement';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';

describe.each(testDatabases())('arrayLiteral on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  it('reads back as the same elements, whatever characters they hold', async () => {
    const texts = ['plain', 'a,b', 'x"y', 'back\\slash', '\\"', 'NULL', 'null', 'Null', '', ' lead', 'trail ', 'in side', '{brace}', 'tab\there', 'new\nline', 'ü€😀', 'A-b_c.d:e+f', '2026-01-02T03:04:05.678Z', null];
    const { rows } = await suite.db.query<{ a: (string | null)[] }>('SELECT $1::text[] AS a', [arrayLiteral(texts)]);
    expect(rows[0]!.a).toEqual(texts);
  });

  it('keeps numbers and nulls of numeric columns', async () => {
    const numbers = [0, -3, 1.5, 0.1 + 0.2, 1e-7, 123456789, null];
    const { rows } = await suite.db.query<{ a: (number | null)[] }>('SELECT $1::float8[] AS a', [arrayLiteral(numbers)]);
    expect(rows[0]!.a).toEqual(numbers);
  });

  it('gives an empty array for no values', async () => {
    const { rows } = await suite.db.query<{ n: number }>('SELECT cardinality($1::text[]) AS n', [arrayLiteral([])]);
    expect(rows[0]!.n).toBe(0);
  });
});
