import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = path.join(ROOT, 'server/src/cli/index.ts');

/**
 * Each file keeps its own `import.meta.url`, so what the source finds next to itself (migrations,
 * the demo knowledge base, the PII worker entry, the reranker weights) is found where it is.
 */
const ownMetaUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => ({
      contents: fs.readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: args.path.endsWith('x') ? 'tsx' : 'ts',
    }));
  },
};

/**
 * Global setup of the server tests (vitest) and the browser tests (Playwright): bundles the `aitl`
 * CLI (server/src/cli, packages left to node_modules) into one file for the run. bin/aitl.mjs
 * loads some 200 TypeScript files through tsx's loader in every process it starts, and the tests
 * start about a hundred; a process of the bundle spends about 40% less CPU (cli/gap-clusters +
 * cli/enrollment: 73 s of CPU before, 41 s). bin/aitl.mjs itself still runs in cli/cli.test.ts;
 * AITL_TEST_BIN=1 makes every test spawn it instead.
 */
export default async function setup() {
  if (process.env.AITL_TEST_BIN === '1') return;
  // Inside the repository, so the bundle's packages resolve from its node_modules.
  const dir = fs.mkdtempSync(path.join(ROOT, '.test-cli-'));
  const outfile = path.join(dir, 'aitl.mjs');
  await build({ entryPoints: [ENTRY], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', plugins: [ownMetaUrl], logLevel: 'warning' });
  // The test workers are started after this and inherit it (helpers/process.ts reads it).
  process.env.AITL_TEST_CLI = outfile;
  return () => {
    delete process.env.AITL_TEST_CLI;
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
