import type { Readable, Writable } from 'node:stream';
import type { Config } from '../config/config.js';
import type { Clock } from '../clock.js';
import type { Palette } from './render/colors.js';
import { wrap } from './render/text-width.js';

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

/** Messages (stderr) are wrapped at this width, the README's promise. */
const MESSAGE_WIDTH = 80;

/**
 * Writes a message, each of its lines wrapped at spaces to {@link MESSAGE_WIDTH} columns with its
 * indentation kept (a single longer word, such as a URL or a path, keeps a line of its own).
 */
export function writeMessage(stream: Writable, text = ''): void {
  const lines = text.split('\n').flatMap((line) => {
    if (Array.from(line).length <= MESSAGE_WIDTH) return [line];
    const indent = /^\s*/.exec(line)![0];
    return wrap(line.trimStart(), MESSAGE_WIDTH - indent.length).map((part) => indent + part);
  });
  stream.write(`${lines.join('\n')}\n`);
}

export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
