#!/usr/bin/env node
// The `aitl` command. The backend is TypeScript run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/cli/index.ts');
