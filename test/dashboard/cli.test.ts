import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, runCli, startCli, type CliWorld } from '../cli/harness.js';
import type { DashboardView } from '../../src/dashboard/view-model.js';
import { seedAccounts } from '../cli/seed.js';

let world: CliWorld;
beforeEach(async () => {
  world = await createWorld({ accounts: [{ accountId: 'acct-work', email: 'work@example.test' }] });
  await seedAccounts(world, [{ accountId: 'acct-work', alias: 'work' }]);
});
afterEach(async () => {
  await world.close();
});

describe('opencode-multi-auth dashboard', () => {
  it('serves the accounts on 127.0.0.1 until interrupted', async () => {
    const run = startCli(world, ['dashboard', '--port', '0', '--no-browser']);
    const [, url] = await run.waitFor(/Dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/);
    const state = await fetch(`${url}api/state`);
    expect(state.status).toBe(200);
    expect(((await state.json()) as DashboardView).accounts.map((account) => account.alias)).toEqual(['work']);
    run.child.kill('SIGINT');
    const done = await run.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Dashboard stopped.');
  });

  it('says when the port is taken', async () => {
    const first = startCli(world, ['dashboard', '--port', '0', '--no-browser']);
    const [, port] = await first.waitFor(/127\.0\.0\.1:(\d+)\//);
    const second = await runCli(world, ['dashboard', '--port', port!, '--no-browser']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Port ${port} is in use`);
    first.child.kill('SIGINT');
    await first.done;
  });

  it('refuses a bad port and has help that fits 80 columns', async () => {
    expect((await runCli(world, ['dashboard', '--port', 'x'])).code).toBe(2);
    const help = await runCli(world, ['dashboard', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: opencode-multi-auth dashboard [--port N]');
    for (const line of help.stdout.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(80);
  });
});
