import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The operator dashboard: a static bundle that `aitl serve` hands out under /dashboard/ (same
 * origin as the API). No inline script or style, so the route's CSP can forbid both.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, '../.output/dashboard'),
    emptyOutDir: true,
    // Vite would inline small assets as data: URLs; the CSP admits only files from 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
