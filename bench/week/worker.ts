/** A worker thread of the week benchmark: runs the combinations it is sent, one at a time. */
import { parentPort } from 'node:worker_threads';
import { runCombination, type Combination } from './run-combination.js';
import { loadHighs } from './upper-bound.js';

const port = parentPort;
if (!port) throw new Error('bench/week/worker.ts runs as a worker thread of bench/week/run.ts');
const solver = await loadHighs();
port.on('message', (combination: Combination | null) => {
  if (combination === null) {
    port.close();
    return;
  }
  port.postMessage(runCombination(solver, combination));
});
port.postMessage('ready');
