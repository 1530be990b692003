// Worker threads do not inherit the parent's tsx loader on Node 20, so the
// entry registers it and then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./offthread-worker.ts');
