import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { WindowSnapshot } from '../store/schema.js';
import { ProbeError } from './errors.js';
import { placeWindow, windowFromParts, type UsageObservation, type WindowPair } from './rate-limit-headers.js';

/*
 * The codex CLI probe, offered when `CODEX_CLI_BIN` names a `codex` binary.
 *
 * It runs `codex exec --skip-git-repo-check --json "hi"` with CODEX_HOME set to a private
 * directory per account holding an auth.json with that account's tokens, then reads the rate
 * limits codex records: `token_count` events (`rate_limits.primary/secondary` with `used_percent`,
 * `window_minutes`, `resets_at` or `resets_in_seconds`) on its stdout or in
 * `$CODEX_HOME/sessions/**.jsonl`. Windows are placed by `window_minutes`.
 *
 * auth.json is written with `last_refresh` = now so codex has no reason to refresh (a refresh by
 * codex would spend the account's single-use refresh token behind our back), and it is deleted
 * after the run so no token stays on disk there. Like the HTTP probe it spends a little quota.
 */

export interface CodexCliProbeRequest {
  /** Path of the codex binary (the value of CODEX_CLI_BIN). */
  bin: string;
  /** This account's CODEX_HOME; created if missing. */
  codexHome: string;
  tokens: { accessToken: string; refreshToken: string; idToken?: string };
  chatgptAccountId: string;
  model?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  observedAt: number;
  /** Extra environment for the child (tests point it at the simulator). */
  env?: NodeJS.ProcessEnv;
}

const CliWindowSchema = z.looseObject({
  used_percent: z.number().nullish().catch(null),
  window_minutes: z.number().nullish().catch(null),
  resets_at: z.number().nullish().catch(null),
  resets_in_seconds: z.number().nullish().catch(null),
});
const CliRateLimitsSchema = z.looseObject({
  primary: CliWindowSchema.nullish().catch(null),
  secondary: CliWindowSchema.nullish().catch(null),
});
type CliRateLimits = z.infer<typeof CliRateLimitsSchema>;

/** The `rate_limits` object of a JSON line, wherever codex nested it. */
function findRateLimits(value: unknown, depth = 0): unknown {
  if (!value || typeof value !== 'object' || depth > 4) return undefined;
  const record = value as Record<string, unknown>;
  if (record.rate_limits && typeof record.rate_limits === 'object') return record.rate_limits;
  for (const child of Object.values(record)) {
    const found = findRateLimits(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Reads the last rate-limit report in JSON-lines text. Pure. */
export function rateLimitsFromCodexLines(text: string, observedAt: number): UsageObservation | undefined {
  let latest: CliRateLimits | undefined;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{') || !trimmed.includes('rate_limits')) continue;
    try {
      const found = findRateLimits(JSON.parse(trimmed));
      const parsed = CliRateLimitsSchema.safeParse(found);
      if (parsed.success && (parsed.data.primary || parsed.data.secondary)) latest = parsed.data;
    } catch {
      // A line that is not JSON is codex talking to a human; skip it.
    }
  }
  if (!latest) return undefined;
  const pair: WindowPair = {};
  for (const window of [latest.primary, latest.secondary]) {
    if (!window) continue;
    placeWindow(
      pair,
      windowFromParts(
        {
          usedPercent: window.used_percent ?? undefined,
          windowMinutes: window.window_minutes ?? undefined,
          resetAtSeconds: window.resets_at ?? undefined,
          resetAfterSeconds: window.resets_in_seconds ?? undefined,
        },
        observedAt,
        'codex-cli',
      ),
    );
  }
  const observation: UsageObservation = {};
  const set = (kind: 'fiveHour' | 'weekly', snapshot: WindowSnapshot | undefined) => {
    if (snapshot) observation[kind] = snapshot;
  };
  set('fiveHour', pair.fiveHour);
  set('weekly', pair.weekly);
  return observation.fiveHour || observation.weekly ? observation : undefined;
}

async function sessionLines(codexHome: string): Promise<string> {
  const root = path.join(codexHome, 'sessions');
  let files: string[];
  try {
    files = (await fs.readdir(root, { recursive: true })).filter((file) => file.endsWith('.jsonl'));
  } catch {
    return '';
  }
  const withTimes = await Promise.all(files.map(async (file) => ({ file: path.join(root, file), mtime: (await fs.stat(path.join(root, file))).mtimeMs })));
  withTimes.sort((a, b) => a.mtime - b.mtime);
  const texts = await Promise.all(withTimes.map(({ file }) => fs.readFile(file, 'utf8')));
  return texts.join('\n');
}

function runCodex(request: CodexCliProbeRequest): Promise<{ code: number | null; stdout: string }> {
  const args = ['exec', '--skip-git-repo-check', '--json'];
  if (request.model) args.push('--model', request.model);
  args.push('hi');
  return new Promise((resolve, reject) => {
    const child = spawn(request.bin, args, {
      env: { ...process.env, ...request.env, CODEX_HOME: request.codexHome },
      cwd: request.codexHome,
      stdio: ['ignore', 'pipe', 'ignore'],
      signal: request.signal,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < 1_000_000) stdout += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), request.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

/** Runs the codex CLI for one account and reads the limits it reports. Throws {@link ProbeError}. */
export async function probeWithCodexCli(request: CodexCliProbeRequest): Promise<UsageObservation> {
  await fs.mkdir(request.codexHome, { recursive: true, mode: 0o700 });
  const authFile = path.join(request.codexHome, 'auth.json');
  const auth = {
    auth_mode: 'chatgpt',
    OPENAI_API_KEY: null,
    tokens: {
      id_token: request.tokens.idToken ?? '',
      access_token: request.tokens.accessToken,
      refresh_token: request.tokens.refreshToken,
      account_id: request.chatgptAccountId,
    },
    last_refresh: new Date(request.observedAt).toISOString(),
  };
  await fs.writeFile(authFile, JSON.stringify(auth, null, 2), { mode: 0o600 });
  let result: { code: number | null; stdout: string };
  try {
    result = await runCodex(request);
  } catch (error) {
    if (request.signal?.aborted) throw new ProbeError('cancelled', 'The codex CLI probe was cancelled.');
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProbeError('cli-failed', `Could not run the codex CLI (${request.bin}): ${reason}. Check CODEX_CLI_BIN.`);
  } finally {
    await fs.rm(authFile, { force: true });
  }
  const observation =
    rateLimitsFromCodexLines(result.stdout, request.observedAt) ?? rateLimitsFromCodexLines(await sessionLines(request.codexHome), request.observedAt);
  if (observation) return observation;
  throw new ProbeError('cli-failed', `The codex CLI exited with code ${result.code} without reporting rate limits; the limits stay unknown.`, {
    exitCode: result.code,
  });
}
