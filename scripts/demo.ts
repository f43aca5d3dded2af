/**
 * `npm run demo`: the plugin at work without a real account or the network.
 *
 * Starts the Codex backend simulator with three accounts, runs the real `opencode` client through
 * the built plugin (dist/) for a few prompts, and prints which account served each request and why,
 * read from the plugin's own decision log. Run from a clone: it uses the test simulator and helpers.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { accountState, stateLabel } from '../src/cli/render/account-state.js';
import { AccountStore } from '../src/store/account-store.js';
import type { Account, StoreData, WindowSnapshot } from '../src/store/schema.js';
import { startSimulator, type Simulator, type SimUsage } from '../test/sim/index.js';
import { isolatedHome, PLUGIN_URL, runOpencode, type IsolatedHome, type RunResult } from '../test/support/opencode.js';
import { accountFromSimTokens, seedStore } from '../test/support/seed-store.js';

const MODEL = 'openai/gpt-5.4';
const WIDTH = 80;
const MINUTE = 60_000;

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const yellow = paint('33');

/** The demo accounts: alias as the user named it, the simulator's ChatGPT account id. */
const ACCOUNTS = {
  personal: { accountId: 'acct-personal', fiveHourUsedPercent: 18, costPerRequest: { fiveHour: 5 } },
  work: { accountId: 'acct-work', fiveHourUsedPercent: 97, costPerRequest: { fiveHour: 2 } },
  team: { accountId: 'acct-team', fiveHourUsedPercent: 25, costPerRequest: { fiveHour: 1 } },
} as const;
type Alias = keyof typeof ACCOUNTS;

/** What the plugin last saw of work's 5-hour window: before the user's laptop used most of it. */
const WORK_LAST_SEEN = { usedPercent: 20, minutesAgo: 50 };
/** Team's access token runs out this far into the demo; the token keeper must renew it. */
const TEAM_TOKEN_EXPIRES_IN_MS = 30_000;

interface RoutedRequest {
  model?: string;
  reason: string;
  attempts: Array<{ account: string; status?: number; outcome: string }>;
  explanation?: string;
}

interface PluginEvents {
  routed: RoutedRequest[];
  refreshed: string[];
}

class DemoFailure extends Error {
  constructor(
    message: string,
    readonly run?: RunResult,
  ) {
    super(message);
  }
}

// ── output ────────────────────────────────────────────────────────────────

function wrap(text: string, indent: string, firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let lineHasWord = false;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (lineHasWord && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
      lineHasWord = false;
    }
    line += (lineHasWord ? ' ' : '') + word;
    lineHasWord = true;
  }
  lines.push(line);
  return lines;
}

function say(text = '', indent = ''): void {
  if (text === '') console.log('');
  else for (const line of wrap(text, indent)) console.log(line);
}

/** `  alias     text…` with wrapped lines aligned under the text. */
function list(label: string, text: string): void {
  const indent = ' '.repeat(12);
  for (const line of wrap(text, indent, `  ${label.padEnd(10)}`)) console.log(line);
}

function heading(text: string): void {
  console.log('');
  console.log(bold(`── ${text} ${'─'.repeat(Math.max(3, WIDTH - text.length - 4))}`));
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- ANSI escape sequences begin with ESC (0x1b)
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

const REASONS: Record<string, string> = {
  'most-headroom': 'most headroom left',
  'most-at-risk': 'its quota is the most at risk of expiring unused',
  'limit-edge': 'its account was at the edge of a limit; moved',
  session: 'same session, stays on its account',
  pinned: 'pinned',
  'round-robin': 'next in turn',
};

/** `work: 429 usage limit reached → moved to team` lines for one routed request. */
function describeRouting(request: RoutedRequest, label: string): string[] {
  const lines: string[] = [];
  const kind = request.model?.includes('nano') ? 'title' : 'reply';
  lines.push(`${label} (${kind}, ${request.model ?? 'unknown model'}):`);
  const served = request.attempts.find((attempt) => attempt.outcome === 'served');
  for (const [index, attempt] of request.attempts.entries()) {
    if (attempt === served) continue;
    const next = request.attempts[index + 1]?.account;
    // Outcomes read like `HTTP 429 usage limit reached`; the status is already in them.
    const outcome = attempt.outcome.replace(/^HTTP /, '');
    const moved = next && next !== attempt.account ? ` → moved to ${next}` : '';
    lines.push(yellow(`  ${attempt.account}: ${outcome}${moved}`));
  }
  if (served) {
    lines.push(green(`  served by ${served.account}`) + ` (${REASONS[request.reason] ?? request.reason})`);
  } else {
    lines.push(yellow('  not served: no account could take it'));
  }
  return lines;
}

// ── the plugin's log ──────────────────────────────────────────────────────

/** Plugin log entries written since `offset` (the log file grows across runs). */
async function readPluginEvents(home: IsolatedHome, offset: number): Promise<{ events: PluginEvents; size: number }> {
  const text = await fs.readFile(path.join(home.root, 'plugin.log'), 'utf8').catch(() => '');
  const events: PluginEvents = { routed: [], refreshed: [] };
  for (const line of text.slice(offset).split('\n')) {
    if (!line.trim()) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (entry.message === 'request routed') events.routed.push(entry as unknown as RoutedRequest);
    if (entry.message === 'token refreshed' && typeof entry.account === 'string') events.refreshed.push(entry.account);
  }
  return { events, size: text.length };
}

// ── setting the scene ─────────────────────────────────────────────────────

function snapshot(usedPercent: number, resetsAt: number, windowMinutes: number, observedAt: number): WindowSnapshot {
  return { usedPercent, resetsAt, windowMinutes, observedAt, source: 'usage-endpoint' };
}

/** The store as after `opencode-multi-auth login` three times and a usage check. */
function demoAccounts(sim: Simulator, now: number): Account[] {
  return (Object.keys(ACCOUNTS) as Alias[]).map((alias) => {
    const { accountId, fiveHourUsedPercent } = ACCOUNTS[alias];
    const usage: SimUsage = sim.usage(accountId);
    return accountFromSimTokens(sim.issueTokens(accountId), alias, now, (account) => {
      const lastSeen = alias === 'work' ? WORK_LAST_SEEN : { usedPercent: fiveHourUsedPercent, minutesAgo: 0 };
      const observedAt = now - lastSeen.minutesAgo * MINUTE;
      account.usage.fiveHour = snapshot(lastSeen.usedPercent, usage.fiveHourResetsAt, 300, observedAt);
      account.usage.weekly = snapshot(usage.weeklyUsedPercent, usage.weeklyResetsAt, 10_080, observedAt);
      if (alias === 'team') account.tokens.expiresAt = now + TEAM_TOKEN_EXPIRES_IN_MS;
    });
  });
}

/**
 * Another client of the same ChatGPT account (the codex CLI on a laptop) spends its quota directly
 * at the backend, with its own sign-in: the plugin only finds out when it next uses the account.
 */
async function laptopRequests(sim: Simulator, accountId: string, count: number): Promise<void> {
  const tokens = sim.issueTokens(accountId);
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${sim.baseUrl}/codex/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'chatgpt-account-id': accountId, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.4', input: 'laptop work', stream: true, store: false }),
    });
    await response.text();
  }
}

// ── one prompt ────────────────────────────────────────────────────────────

interface Prompt {
  title: string;
  text: string;
  /** Continue the session of the previous prompt. */
  continueSession?: boolean;
  /** The demo expects opencode to report an error (no account can serve). */
  expectFailure?: boolean;
}

async function runPrompt(
  prompt: Prompt,
  step: string,
  home: IsolatedHome,
  state: { logOffset: number; sessionId?: string },
  sim: Simulator,
): Promise<PluginEvents> {
  heading(`${step}  ${prompt.title}`);
  const args = ['run', '--model', MODEL];
  if (prompt.continueSession && state.sessionId) args.push('--session', state.sessionId);
  args.push(prompt.text);
  say(`$ opencode run ${prompt.continueSession ? '--session <same> ' : ''}--model ${MODEL} "${prompt.text}"`);
  const started = Date.now();
  const logBefore = sim.log.length;
  const run = await runOpencode(args, home, 120_000);
  const seconds = Math.round((Date.now() - started) / 1_000);
  const { events, size } = await readPluginEvents(home, state.logOffset);
  state.logOffset = size;
  const sessionId = sim.log
    .slice(logBefore)
    .filter((entry) => entry.route === 'responses')
    .map((entry) => entry.headers['session_id'])
    .find((id) => id?.startsWith('ses_'));
  if (sessionId) state.sessionId = sessionId;

  const reply = stripAnsi(run.stdout).trim();
  if (prompt.expectFailure) {
    if (reply.includes('Hello from')) throw new DemoFailure('expected no account to be able to serve, but one did', run);
  } else if (run.code !== 0 || !reply.includes('Hello from')) {
    throw new DemoFailure(`opencode run exited with ${run.code ?? 'a signal'} and printed no reply`, run);
  }

  if (reply) say(`reply: ${reply}`, '  ');
  else say(`reply: none (opencode exited with ${run.code}, ${seconds} s)`, '  ');
  events.routed.forEach((request, index) => {
    for (const line of describeRouting(request, `request ${index + 1}`)) console.log(`  ${line}`);
  });
  for (const alias of new Set(events.refreshed)) say(`token refreshed: ${alias} (the old access token was about to expire)`, '  ');
  if (prompt.expectFailure) {
    const printed = stripAnsi(run.stderr)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('>'));
    const explanation = events.routed.map((request) => request.explanation).find(Boolean);
    const shown = printed.find((line) => explanation && line.includes(explanation.slice(0, 30))) ?? printed.at(-1) ?? explanation;
    if (shown) {
      console.log('  opencode printed:');
      for (const line of wrap(shown, '    ')) console.log(line);
    }
  }
  console.log(dim(`  (${seconds} s)`));
  return events;
}

// ── the summary ───────────────────────────────────────────────────────────

function summaryTable(data: StoreData, now: number): string[] {
  const rows = [['account', 'served', '5h used', 'state']];
  for (const account of data.accounts) {
    const used = account.usage.fiveHour?.usedPercent;
    const { text } = stateLabel(accountState(account, data.pin, now));
    rows.push([account.alias, String(account.stats.requests), used === undefined ? '?' : `${Math.round(used)}%`, text]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row, index) => {
    const line = row.map((cell, column) => (column === 1 || column === 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ');
    return index === 0 ? bold(line.trimEnd()) : line.trimEnd();
  });
}

// ── main ──────────────────────────────────────────────────────────────────

async function main(): Promise<number> {
  await fs.access(new URL(PLUGIN_URL)).catch(() => {
    throw new DemoFailure('dist/index.js is missing: run `npm run build` first (`npm run demo` does).');
  });

  const sim = await startSimulator({ accounts: (Object.keys(ACCOUNTS) as Alias[]).map((alias) => ({ ...ACCOUNTS[alias] })) });
  const home = await isolatedHome({ OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl, OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer });
  const stop = () => {
    void Promise.allSettled([sim.close(), home.cleanup()]).then(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  try {
    const now = Date.now();
    await seedStore(home.storeDir, demoAccounts(sim, now));
    const teamId = ACCOUNTS.team.accountId;

    say(bold('opencode-multi-auth-codex demo') + dim('  (simulated ChatGPT backend, no network)'));
    say();
    say('Three ChatGPT accounts are signed in. What the plugin knows about them:');
    list('personal', `5h window ${ACCOUNTS.personal.fiveHourUsedPercent}% used`);
    list(
      'work',
      `5h window ${WORK_LAST_SEEN.usedPercent}% used when last checked ${WORK_LAST_SEEN.minutesAgo} min ago; since then the codex CLI on your laptop has used it: it is really at ${ACCOUNTS.work.fiveHourUsedPercent}%`,
    );
    list('team', `5h window ${ACCOUNTS.team.fiveHourUsedPercent}% used; its access token expires ${TEAM_TOKEN_EXPIRES_IN_MS / 1_000} s from now`);
    say(`Each prompt runs the real opencode client (${dim('opencode run')}); the plugin picks the account.`);

    const state: { logOffset: number; sessionId?: string } = { logOffset: 0 };
    await runPrompt({ title: 'a new session', text: 'What does this repository do?' }, '1/3', home, state, sim);

    say();
    say(dim('Meanwhile the codex CLI on the laptop sends two more requests through work.'));
    await laptopRequests(sim, ACCOUNTS.work.accountId, 2);
    const workUsed = Math.round(sim.usage(ACCOUNTS.work.accountId).fiveHourUsedPercent);
    say(dim(`work is now at ${workUsed}% of its 5-hour window; the plugin has not seen that yet.`));

    await runPrompt({ title: 'a new session, work runs out', text: 'Which tests cover failover?' }, '2/3', home, state, sim);

    say();
    say(dim('Later that day personal and team run out as well (the simulator sets them to 100%).'));
    sim.setUsage(ACCOUNTS.personal.accountId, { fiveHourUsedPercent: 100 });
    sim.setUsage(teamId, { fiveHourUsedPercent: 100 });
    await runPrompt({ title: 'every account is out', text: 'One more question', expectFailure: true }, '3/3', home, state, sim);

    heading('accounts afterwards (opencode-multi-auth status)');
    const store = new AccountStore({ dir: home.storeDir });
    const data = await store.load();
    await store.close();
    for (const line of summaryTable(data, Date.now())) console.log(`  ${line}`);
    say();
    say(
      `Token refreshes at the issuer: team ${sim.counters.refreshes(teamId)}, personal ${sim.counters.refreshes(ACCOUNTS.personal.accountId)}, work ${sim.counters.refreshes(ACCOUNTS.work.accountId)}.`,
    );
    if (sim.counters.refreshes(teamId) < 1) throw new DemoFailure("team's token was never refreshed");
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await sim.close();
    await home.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`demo failed: ${message}`);
    if (error instanceof DemoFailure && error.run) {
      const tail = stripAnsi(error.run.stderr).trim().split('\n').slice(-20).join('\n');
      if (tail) console.error(`opencode stderr (last lines):\n${tail}`);
    }
    process.exit(1);
  },
);
