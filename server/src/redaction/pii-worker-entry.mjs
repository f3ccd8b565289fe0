// A worker thread starts without the parent's TypeScript loader when the parent registered tsx
// through its API (bin/aitl.mjs), so the worker registers it itself before loading the task.
import { register } from 'tsx/esm/api';

register();
const { default: detectPiiMany } = await import('./pii-worker.ts');
export default detectPiiMany;
