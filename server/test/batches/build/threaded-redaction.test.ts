import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database';
import { testDatabases } from '../../helpers/databases';
import { buildFixedBatches } from '../../helpers/fixed-batches';

/**
 * PII found on worker threads ahead of the build gives the same bytes as PII found on the build's
 * own thread: the fixed history (helpers/fixed-batches.ts) built both ways, every file compared.
 */
// Two databases of each kind, one per way of building.
const pairs = testDatabases().map((first, i) => ({ name: first.name, first, second: testDatabases()[i]! }));

describe.each(pairs)('redaction on worker threads on $name', ({ first, second }) => {
  let inline: Database;
  let threaded: Database;
  beforeAll(async () => {
    inline = await first.open();
    threaded = await second.open();
  });
  afterAll(async () => {
    await inline?.close();
    await threaded?.close();
    await first.cleanup();
    await second.cleanup();
  });

  it('builds the same files as redaction on the build thread', async () => {
    const withThreads = await buildFixedBatches(threaded, { redactionThreads: 2, threadedFrom: 0 });
    const withoutThreads = await buildFixedBatches(inline, { redactionThreads: 0 });
    expect(Object.keys(withThreads)).toHaveLength(3);
    expect(withThreads).toEqual(withoutThreads);
  }, 240_000);
});
