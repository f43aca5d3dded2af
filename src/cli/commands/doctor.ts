import { AccountStore } from '../../store/account-store.js';
import { expectPositionals, flag } from '../args.js';
import type { Command } from '../command.js';
import { writeJson, writeLine } from '../context.js';
import { checkAccounts, checkConfig, checkFetchBypass, checkOpenCodeAuth, checkOpenCodeConfig, checkStore, checkUsageEndpoint, type Check } from '../doctor/checks.js';
import { paint } from '../render/colors.js';

export const doctor: Command = {
  name: 'doctor',
  help: {
    brief: 'check the setup and say what to fix',
    usage: 'doctor [--json] [--offline]',
    summary:
      "Checks the setup: the settings, the store's location, permissions and lock, whether OpenCode's config loads the " +
      'plugin and has the "openai" auth record, which usage endpoint answers, and accounts needing attention, each with what to do.',
    options: ['--offline       skip the usage endpoint check', '--json          print the checks as JSON'],
    examples: ['opencode-multi-auth doctor'],
  },
  options: { json: { type: 'boolean' }, offline: { type: 'boolean' } },
  async run(context, args) {
    expectPositionals('doctor', args, 0, 0);
    const store = new AccountStore({ dir: context.config.storeDir, clock: context.clock });
    const checks: Check[] = [checkConfig(context)];
    try {
      const storeResult = await checkStore(context, store);
      checks.push(...storeResult.checks);
      checks.push(await checkOpenCodeConfig(context));
      checks.push(await checkOpenCodeAuth(context));
      checks.push(checkFetchBypass(context));
      if (!flag(args, 'offline')) checks.push(await checkUsageEndpoint(context, store, storeResult.data));
      checks.push(...checkAccounts(context, store, storeResult.data));
    } finally {
      await store.close().catch(() => undefined);
    }
    const healthy = checks.every((check) => check.level !== 'fail');
    if (flag(args, 'json')) {
      writeJson(context.stdout, { ok: healthy, checks });
    } else {
      const mark = { ok: paint(context.palette, 'ok', 'ok  '), warn: paint(context.palette, 'warn', 'warn'), fail: paint(context.palette, 'bad', 'FAIL') };
      for (const check of checks) {
        writeLine(context.stdout, `${mark[check.level]}  ${check.name}: ${check.message}`);
        if (check.fix) writeLine(context.stdout, `      -> ${check.fix}`);
      }
      writeLine(context.stdout);
      writeLine(context.stdout, healthy ? 'Everything needed is in place.' : 'Some checks failed; do what the -> lines say.');
    }
    return healthy ? 0 : 1;
  },
};
