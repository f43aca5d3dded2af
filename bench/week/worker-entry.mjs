// Node 20 does not hand the parent's `--import tsx` hooks to worker threads: register them here.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
