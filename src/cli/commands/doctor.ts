import { AccountStore } from '../../store/account-store.js';
import { flag } from '../args.js';
import type { Command } from '../command.js';
import { writeJson, writeLine } from '../context.js';
import { DOCTOR_CHECKS } from '../doctor/all-checks.js';
import { createDoctorRun, type Check } from '../doctor/check.js';
import { renderDoctor, verdictOf } from '../doctor/render.js';

export const doctor: Command = {
  name: 'doctor',
  help: {
    brief: 'check the setup and say what to fix',
    usage: 'doctor [--json] [--offline]',
    summary:
      "Checks the setup: the settings; OpenCode's version; every OpenCode config (global, project-level " +
      './opencode.json, OPENCODE_CONFIG_CONTENT) and whether the plugin it names can load (a file that exists and ' +
      'exports the plugin; a package OpenCode installed or can install from npm); the "openai" auth record; the ' +
      "store's location, permissions and lock; which usage endpoint answers; and accounts needing attention. " +
      'Each finding says what to do. Writes nothing (except a token refresh the usage check needs).',
    options: ['--offline       skip what needs the network (usage endpoint, npm registry)', '--json          print the checks as JSON'],
    examples: ['opencode-multi-auth doctor', 'opencode-multi-auth doctor --offline'],
  },
  options: { json: { type: 'boolean' }, offline: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(context, args) {
    const store = new AccountStore({ dir: context.config.storeDir, clock: context.clock });
    const run = createDoctorRun(context, store, flag(args, 'offline'));
    const checks: Check[] = [];
    try {
      for (const check of DOCTOR_CHECKS) checks.push(...(await check(run)));
    } finally {
      await store.close().catch(() => undefined);
    }
    const verdict = verdictOf(checks);
    if (flag(args, 'json')) writeJson(context.stdout, { ok: verdict !== 'fail', verdict, checks });
    else for (const line of renderDoctor(checks, context.palette, Math.min(context.width, 80))) writeLine(context.stdout, line);
    return verdict === 'fail' ? 1 : 0;
  },
};
