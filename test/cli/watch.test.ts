import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, startCli, type CliWorld } from './harness.js';
import { seedAccounts } from './seed.js';

let world: CliWorld;
beforeEach(async () => {
  world = await createWorld({ accounts: [{ accountId: 'acct-work', email: 'work@example.test' }] });
  await seedAccounts(world, [{ accountId: 'acct-work', alias: 'work' }]);
});
afterEach(async () => {
  await world.close();
});

describe('status --watch', () => {
  it('redraws until stopped, picking up changes made by others, and exits 0', async () => {
    const run = startCli(world, ['status', '--watch', '--interval', '500ms']);
    await run.waitFor(/^work\s+work@example\.test\s+plus\s+active/m);
    await seedAccounts(world, [], (data) => {
      data.accounts[0]!.enabled = false;
    });
    await run.waitFor(/^work\s+work@example\.test\s+plus\s+disabled/m);
    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout.match(/Ctrl-C to stop/g)!.length).toBeGreaterThanOrEqual(2);
  });
});
