import type { Readable, Writable } from 'node:stream';
import type { Config } from '../config/config.js';
import type { Clock } from '../clock.js';
import type { Palette } from './render/colors.js';

/** Everything a command touches outside itself, passed in so a test or another host can provide it. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  config: Config;
  clock: Clock;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable;
  palette: Palette;
  /** Terminal width, at most 80 when unknown. */
  width: number;
  fetch: typeof fetch;
  /** Opens a URL in the user's browser; absent when there is no display. */
  openBrowser?: (url: string) => void;
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
