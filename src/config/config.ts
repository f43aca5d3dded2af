import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { closestMatch } from '../text/closest-match.js';
import { parseDuration } from './duration.js';

const ENV_PREFIX = 'OPENCODE_MULTI_AUTH_';

export const STRATEGIES = ['pace', 'sticky', 'round-robin', 'least-used'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NOTIFY_LEVELS = ['off', 'errors', 'all'] as const;
export type NotifyLevel = (typeof NOTIFY_LEVELS)[number];

const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));

const duration = (min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: 'not a duration in range' });
      return z.NEVER;
    }
    return ms;
  });

/**
 * A path setting: absolute, or `~/…` under the home folder. A relative path is refused: it would be
 * resolved against whichever folder OpenCode was started in, making one store per project.
 */
const absolutePath = (env: NodeJS.ProcessEnv) =>
  z.string().transform((text, ctx) => {
    const trimmed = text.trim();
    if (trimmed === '~' || trimmed.startsWith('~/')) return path.join(env.HOME || os.homedir(), trimmed.slice(2));
    if (path.isAbsolute(trimmed)) return path.resolve(trimmed);
    ctx.addIssue({ code: 'custom', message: 'a relative path would depend on the folder OpenCode starts in' });
    return z.NEVER;
  });

const MODEL_ID = /^[\w.:-]+$/;

/** `+a,-b,c`: each item a model id, optionally prefixed with + or -; the message names the first bad item. */
const modelEdits = z.string().transform((text, ctx) => {
  const items = text.split(',').map((item) => item.trim());
  const bad = items.find((item) => !MODEL_ID.test(item.replace(/^[+-]/, '')));
  if (bad !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: bad === '' ? 'an empty item (two commas in a row, or a comma at the end)' : `the item "${bad}" is not a model id`,
    });
    return z.NEVER;
  }
  return items;
});

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*\d+\s*$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

interface SettingSpec<T> {
  /** Variable name without the prefix. */
  name: string;
  /** What the README and error messages say is accepted. */
  accepts: string;
  schema: z.ZodType<T, string> | ((env: NodeJS.ProcessEnv) => z.ZodType<T, string>);
  fallback: (env: NodeJS.ProcessEnv) => T;
  description: string;
  /**
   * A path: an empty value is an error (a variable set from an unset shell variable), not "unset",
   * and the plugin will not fall back to the default folder for it, since that is someone else's store.
   */
  path?: true;
}

function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

function defaultStoreDir(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(configHome, 'opencode-multi-auth');
}

/** The store folder as configured (the variable when it is a usable path, else the default). */
function configuredStoreDir(env: NodeJS.ProcessEnv): string {
  const raw = env[`${ENV_PREFIX}STORE_DIR`] ?? '';
  const parsed = raw.trim() === '' ? undefined : absolutePath(env).safeParse(raw);
  return parsed?.success ? parsed.data : defaultStoreDir(env);
}

/**
 * Every setting the plugin reads, in the order the README documents them.
 * The key is the config field; `name` is the variable after `OPENCODE_MULTI_AUTH_`.
 */
export const SETTINGS = {
  storeDir: setting({
    name: 'STORE_DIR',
    accepts: 'an absolute directory path (or ~/...)',
    schema: absolutePath,
    fallback: defaultStoreDir,
    path: true,
    description: 'Where `accounts.json` lives. Default `$XDG_CONFIG_HOME/opencode-multi-auth`, else `~/.config/opencode-multi-auth`.',
  }),
  codexBaseUrl: setting({
    name: 'CODEX_BASE_URL',
    accepts: 'an http(s) URL',
    schema: url,
    fallback: () => 'https://chatgpt.com/backend-api',
    description: 'The Codex backend. Model requests go to `{base}/codex/responses`, usage to `{base}/codex/usage`.',
  }),
  authIssuer: setting({
    name: 'AUTH_ISSUER',
    accepts: 'an http(s) URL',
    schema: url,
    fallback: () => 'https://auth.openai.com',
    description: 'The OAuth issuer used for sign-in and token refresh.',
  }),
  callbackPorts: setting({
    name: 'CALLBACK_PORTS',
    accepts: 'a comma-separated list of port numbers, e.g. `1455,1457`',
    schema: z
      .string()
      .regex(/^\s*\d{1,5}\s*(,\s*\d{1,5}\s*)*$/)
      .transform((text) => text.split(',').map((item) => Number(item.trim())))
      .pipe(z.array(z.number().int().min(1).max(65_535)).min(1)),
    fallback: (): readonly number[] => [1455, 1457],
    description:
      "Ports for the browser sign-in's local callback, tried in order. auth.openai.com accepts only 1455 and 1457 (any other is refused with `unknown_error`), so change this only for an issuer that accepts others, such as a test server.",
  }),
  refreshQueueConcurrency: setting({
    name: 'REFRESH_QUEUE_CONCURRENCY',
    accepts: 'a whole number from 1 to 20',
    schema: integer(1, 20),
    fallback: () => 5,
    description: 'How many usage refreshes may be in flight at once.',
  }),
  usageRefreshInterval: setting({
    name: 'USAGE_REFRESH_INTERVAL',
    accepts: 'a duration from 30s to 24h, e.g. `5m`',
    schema: duration(30_000, 86_400_000),
    fallback: () => 5 * 60_000,
    description: 'How often the background refresher re-reads the usage of accounts that matter (spread with jitter).',
  }),
  strategy: setting({
    name: 'STRATEGY',
    accepts: STRATEGIES.join(', '),
    schema: z.enum(STRATEGIES),
    fallback: (): Strategy => 'pace',
    description:
      '`pace` keeps a session on its account (warm prompt cache) and sends a new one where quota is most at risk of expiring unused (weekly units left per hour until reset); `sticky` keeps sessions too but sends a new one to the most headroom in percent; `round-robin` spreads requests; `least-used` picks the most headroom every time.',
  }),
  pauseAtPercent: setting({
    name: 'PAUSE_AT_PERCENT',
    accepts: 'a whole number from 1 to 100',
    schema: integer(1, 100),
    fallback: () => 100,
    description: 'An account is left out while any usage window is at or above this percent used.',
  }),
  useCredits: setting({
    name: 'USE_CREDITS',
    accepts: '`true` or `false`',
    schema: z.enum(['true', 'false', '1', '0']).transform((text) => text === 'true' || text === '1'),
    fallback: () => false,
    description:
      "Whether an account with purchased credits stays eligible past its usage limit. Off by default: working past the limit spends the owner's money.",
  }),
  snapshotStaleAfter: setting({
    name: 'SNAPSHOT_STALE_AFTER',
    accepts: 'a duration from 1m to 7d, e.g. `2h`',
    schema: duration(60_000, 7 * 86_400_000),
    fallback: () => 2 * 3_600_000,
    description: 'A usage snapshot older than this no longer pauses an account.',
  }),
  maxRetryWait: setting({
    name: 'MAX_RETRY_WAIT',
    accepts: 'a duration from 0s to 10m, e.g. `30s`',
    schema: duration(0, 600_000),
    fallback: () => 30_000,
    description: 'When every account is out for at most this long, OpenCode is told to retry after the wait; longer waits fail at once with the reason.',
  }),
  requestTimeout: setting({
    name: 'REQUEST_TIMEOUT',
    accepts: 'a duration from 1s to 10m, e.g. `30s`',
    schema: duration(1_000, 600_000),
    // The backend answers with headers as soon as it accepts a request, before the model works:
    // normally well under a second. Every second past that is silence before a failover.
    fallback: () => 30_000,
    description: 'How long to wait for the response headers of a model request before trying another account.',
  }),
  errorBodyTimeout: setting({
    name: 'ERROR_BODY_TIMEOUT',
    accepts: 'a duration from 1s to 5m, e.g. `10s`',
    schema: duration(1_000, 300_000),
    // An error reply is a small JSON or HTML body sent with its headers; it either comes at once or not at all.
    fallback: () => 10_000,
    description: 'How long to wait for the body of an error reply (429, 5xx, ...) before trying another account.',
  }),
  firstEventTimeout: setting({
    name: 'FIRST_EVENT_TIMEOUT',
    accepts: 'a duration from 1s to 10m, e.g. `20s`',
    schema: duration(1_000, 600_000),
    // `response.created` normally follows the headers within a second or two (PROTOCOL.md §8).
    fallback: () => 20_000,
    description: 'How long a model reply may take from its headers to its first event before another account is tried.',
  }),
  streamIdleTimeout: setting({
    name: 'STREAM_IDLE_TIMEOUT',
    accepts: 'a duration from 1s to 30m, e.g. `5m`',
    schema: duration(1_000, 1_800_000),
    // The codex CLI's own stream idle timeout: a model may think for minutes between events.
    fallback: () => 300_000,
    description:
      'How long a model reply may stay silent once it has started. Before any output reaches OpenCode another account is tried; after, OpenCode is shown an error.',
  }),
  tokenRefreshMargin: setting({
    name: 'TOKEN_REFRESH_MARGIN',
    accepts: 'a duration from 0s to 1h, e.g. `5m`',
    schema: duration(0, 3_600_000),
    fallback: () => 5 * 60_000,
    description: 'Access tokens are refreshed this long before they expire.',
  }),
  models: setting({
    name: 'MODELS',
    accepts: 'a comma-separated list of model ids, each optionally prefixed with + (add) or - (remove)',
    schema: modelEdits,
    fallback: (): string[] => [],
    description: 'Adds (`+gpt-x`) or removes (`-gpt-y`) models from the built-in Codex model list.',
  }),
  notify: setting({
    name: 'NOTIFY',
    accepts: NOTIFY_LEVELS.join(', '),
    schema: z.enum(NOTIFY_LEVELS),
    fallback: (): NotifyLevel => 'all',
    description:
      "Toasts in OpenCode's TUI. `all`: a session moved to another account, an account needs a new sign-in, every account is out, a weekly window passed the warning threshold, settings were ignored; `errors`: only the ones that need you (sign-in, all out, settings); `off`: none.",
  }),
  notifyWeeklyPercent: setting({
    name: 'NOTIFY_WEEKLY_PERCENT',
    accepts: 'a whole number from 1 to 100',
    schema: integer(1, 100),
    fallback: () => 90,
    description: 'A toast warns once per weekly window when an account has used at least this percent of it.',
  }),
  notifyCooldown: setting({
    name: 'NOTIFY_COOLDOWN',
    accepts: 'a duration from 10s to 24h, e.g. `30m`',
    schema: duration(10_000, 86_400_000),
    fallback: () => 30 * 60_000,
    description: 'The same cause (this account moved sessions away, that account needs a sign-in, all accounts out) shows at most one toast per this long.',
  }),
  logLevel: setting({
    name: 'LOG_LEVEL',
    accepts: LOG_LEVELS.join(', '),
    schema: z.enum(LOG_LEVELS),
    fallback: (): LogLevel => 'warn',
    description: 'How much the plugin logs. `debug` writes a decision record for every request (tokens redacted).',
  }),
  logFile: setting({
    name: 'LOG_FILE',
    accepts: 'an absolute file path (or ~/...)',
    schema: absolutePath,
    fallback: (env): string => path.join(configuredStoreDir(env), 'plugin.log'),
    description:
      'Where the plugin writes its log inside OpenCode (OpenCode owns the terminal). Default `plugin.log` in the store folder (`OPENCODE_MULTI_AUTH_STORE_DIR` when set).',
    path: true,
  }),
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: ReturnType<Settings[K]['fallback']> };

/** One environment variable whose value was not accepted. */
export interface ConfigProblem {
  variable: string;
  value: string;
  accepts: string;
  message: string;
  /** What to do, when it is more than "fix the value". */
  fix?: string;
  /** A path setting that is unusable: the plugin stands aside rather than use the default in its place. */
  fatal?: true;
}

export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
  }
}

function describeProblem(variable: string, value: string, accepts: string, detail: string | undefined): ConfigProblem {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return {
    variable,
    value: shown,
    accepts,
    message: `${variable}=${JSON.stringify(shown)} is not valid${detail ? ` (${detail})` : ''}: expected ${accepts}. Using the default instead.`,
  };
}

/** The message of a custom issue (it names the problem); zod's built-in messages say less than `accepts`. */
function customDetail(error: z.ZodError): string | undefined {
  return error.issues.find((issue) => issue.code === 'custom')?.message;
}

/**
 * Reads every `OPENCODE_MULTI_AUTH_*` variable. A value that is not accepted is reported in `problems`
 * and that one setting keeps its default, so a typo never takes OpenCode down.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): { config: Config; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [string, SettingSpec<unknown>][]) {
    const variable = ENV_PREFIX + spec.name;
    const raw = env[variable];
    if (raw !== undefined && raw.trim() === '' && spec.path) {
      problems.push({
        variable,
        value: raw,
        accepts: spec.accepts,
        message: `${variable} is set but empty: expected ${spec.accepts}. Unset it to use the default, or give the path.`,
        fatal: true,
      });
      config[key] = spec.fallback(env);
      continue;
    }
    if (raw === undefined || raw.trim() === '') {
      config[key] = spec.fallback(env);
      continue;
    }
    const schema = typeof spec.schema === 'function' ? spec.schema(env) : spec.schema;
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      config[key] = parsed.data;
    } else {
      problems.push({ ...describeProblem(variable, raw, spec.accepts, customDetail(parsed.error)), ...(spec.path ? { fatal: true as const } : {}) });
      config[key] = spec.fallback(env);
    }
  }
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith(ENV_PREFIX)) continue;
    const name = variable.slice(ENV_PREFIX.length);
    const known = Object.values(SETTINGS).map((spec) => spec.name);
    if (!known.includes(name)) {
      const guess = closestMatch(name, known);
      problems.push({
        variable,
        value: '',
        accepts: 'a known setting',
        message: guess
          ? `${variable} is not a setting of opencode-multi-auth-codex. Did you mean ${ENV_PREFIX}${guess}? It is ignored.`
          : `${variable} is not a setting of opencode-multi-auth-codex (known: ${known.join(', ')}). It is ignored.`,
        fix: guess ? `Rename it to ${ENV_PREFIX}${guess}.` : `Unset ${variable}.`,
      });
    }
  }
  return { config: config as Config, problems };
}

/** Like {@link readConfig}, but any problem is an error: for the command-line tool, where the user can fix it now. */
export function readConfigStrict(env: NodeJS.ProcessEnv = process.env): Config {
  const { config, problems } = readConfig(env);
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return config;
}
