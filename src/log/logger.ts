import fs from 'node:fs';
import path from 'node:path';
import type { LogLevel } from '../config/config.js';
import { redact } from './redact.js';

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export type LogSink = (line: string) => void;

/** A logger writing one redacted JSON line per entry to `sink`, dropping entries below `level`. */
export function createLogger(level: LogLevel, sink: LogSink): Logger {
  const write = (entryLevel: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (RANK[entryLevel] > RANK[level]) return;
    const entry = { time: new Date().toISOString(), level: entryLevel, message, ...fields };
    sink(redact(JSON.stringify(entry)));
  };
  return {
    error: (message, fields) => write('error', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    info: (message, fields) => write('info', message, fields),
    debug: (message, fields) => write('debug', message, fields),
  };
}

/** Where a sink says, once, that it cannot write its file. Default: stderr. */
export type SinkProblemReporter = (message: string) => void;

const toStderr: SinkProblemReporter = (message) => {
  try {
    process.stderr.write(`${message}\n`);
  } catch {
    // Nowhere left to say it.
  }
};

/**
 * Appends to a file, creating its directory. Logging never breaks a request, but a log that cannot
 * be written is not dropped silently either: the first failure is reported once (stderr by default),
 * naming the file, the reason and the setting that moves it.
 */
export function fileSink(file: string, report: SinkProblemReporter = toStderr): LogSink {
  let ready = false;
  let reported = false;
  const fail = (error: unknown) => {
    if (reported) return;
    reported = true;
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    report(
      `opencode-multi-auth-codex: cannot write its log file ${file} (${reason}); log lines are dropped until it can. ` +
        'Set OPENCODE_MULTI_AUTH_LOG_FILE to a writable file, then run `opencode-multi-auth doctor`.',
    );
  };
  return (line) => {
    try {
      if (!ready) {
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        ready = true;
      }
      fs.appendFile(file, line + '\n', { mode: 0o600 }, (error) => {
        if (error) fail(error);
      });
    } catch (error) {
      fail(error);
    }
  };
}

export const silentLogger: Logger = createLogger('silent', () => {});

/** Collects lines in memory; for tests and for the command-line tool's `--verbose`. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createLogger(level, (line) => lines.push(line)),
    { lines },
  );
}
