/**
 * Where the demo helpdesk answers, and the one thing the demo build of the extension adds to the
 * production manifest: host access to that origin. `npm run demo` builds with `wxt build --mode
 * demo` (into .output/chrome-mv3-demo); every other build keeps the production manifest as it is.
 */
export const DEMO_MODE = 'demo';
export const DEMO_HOST = '127.0.0.1';
/** Next to `npm start`'s 8787, so a demo and a real backend can run side by side. */
export const DEFAULT_DEMO_PORT = 8788;

export function demoPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.AITL_DEMO_PORT;
  if (raw === undefined || raw === '') return DEFAULT_DEMO_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`AITL_DEMO_PORT must be a port number (1-65535), not ${JSON.stringify(raw)}`);
  return port;
}

export const demoOrigin = (port: number) => `http://${DEMO_HOST}:${port}`;
/** The host permission the demo build adds: the demo origin and nothing else. */
export const demoHostPattern = (port: number) => `${demoOrigin(port)}/*`;

interface ManifestFields {
  name: string;
  host_permissions?: string[];
}

/**
 * Turns the generated production manifest into the demo build's (WXT's `build:manifestGenerated`
 * hook, in place): access to the demo origin, so nobody has to grant it, and a name that says "demo".
 * Content scripts, permissions and everything else stay as they are.
 */
export function addDemoOrigin(manifest: ManifestFields, port = demoPort()): void {
  manifest.name = `${manifest.name} (demo)`;
  manifest.host_permissions = [...(manifest.host_permissions ?? []), demoHostPattern(port)];
}
