// Increments a counter file `times` times, each a slow read-then-write that only the lock keeps correct.
import fs from 'node:fs';
import { withFileLock } from '../../../src/store/file-lock.js';

const [lockPath, counterPath, times] = process.argv.slice(2) as [string, string, string];
for (let i = 0; i < Number(times); i++) {
  await withFileLock(
    lockPath,
    async () => {
      const value = Number(fs.readFileSync(counterPath, 'utf8'));
      await new Promise((resolve) => setTimeout(resolve, 1));
      fs.writeFileSync(counterPath, String(value + 1));
    },
    { staleMs: 30_000, timeoutMs: 60_000 },
  );
}
