import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';

describe.each(testDatabases())('GET /healthz on $name', (testDb) => {
  const suite = suiteApp(testDb);


  it('reports health with the database kind', async () => {
    const res = await suite.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, db: testDb.name, version: expect.any(String) });
  });

});
