// The repository's import rules, checked by `npm run lint:deps` (part of `npm test`).
// Type-only imports count for cycles (a cycle of types is still a knot to untie) but not for what
// a bundle carries: they are erased before bundling.
const HELPDESK_PAGE_CODE = '^(entrypoints/(helpdesk\\.content|overlay)\\.tsx?$|components/|lib/(overlay|sites)/|lib/edit-similarity\\.ts$|lib/messaging/background-service\\.ts$)';
const WORKER_CODE = '^(entrypoints/background\\.ts$|lib/(background|outbox|settings|backend)/|lib/messaging/sender\\.ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere: each layer and each file can be read, changed and tested on its own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contract-imports-only-zod',
      severity: 'error',
      comment: 'lib/contract is the one contract both the extension and the server import (DESIGN.md); it imports nothing but zod.',
      from: { path: '^lib/contract/' },
      to: { pathNot: ['^lib/contract/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'extension-not-server',
      severity: 'error',
      comment: 'The extension talks to the server over HTTP only; only tests and benches may import server code.',
      from: { path: '^(entrypoints|components|lib)/' },
      to: { path: '^server/' },
    },
    {
      name: 'panel-takes-data-and-callbacks',
      severity: 'error',
      comment:
        'Panel components get plain data and callbacks (components/panel-model.ts) from the overlay that mounts them; they never reach the helpdesk page, the background or the overlay themselves.',
      from: { path: '^components/' },
      to: { path: '^(lib/(?!contract/)|entrypoints/)' },
    },
    {
      name: 'lib-only-types-from-components',
      severity: 'error',
      comment: 'The overlay implements the panel model the components declare; it never imports component code.',
      from: { path: '^lib/' },
      to: { path: '^components/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'worker-without-helpdesk-page-code',
      severity: 'error',
      comment: 'The background bundle carries no site adapter: helpdesks are recognised by their URL patterns (lib/sites/ticket-urls.ts) alone.',
      from: { path: WORKER_CODE },
      to: { path: '^lib/(sites|overlay)/', pathNot: '^lib/sites/ticket-urls\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'helpdesk-page-without-the-outbox',
      severity: 'error',
      comment:
        "Dexie, the outbox, the settings and the token live only in the background worker (DESIGN.md): IndexedDB opened from a content script would be the helpdesk's.",
      from: { path: HELPDESK_PAGE_CODE },
      to: { path: ['^lib/(background|outbox|settings|backend)/', '(^|/)node_modules/dexie/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'helpdesk-page-without-zod',
      severity: 'error',
      comment: "Code that runs in the helpdesk page takes the contract's plain values (values.ts, issues.ts) and types only; the background validates.",
      from: { path: HELPDESK_PAGE_CODE },
      to: { path: ['(^|/)node_modules/zod/', '^lib/contract/'], pathNot: '^lib/contract/(values|issues)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '^(\\.output|\\.wxt)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    skipAnalysisNotInRules: true,
  },
};
