#!/usr/bin/env node
import { runCli } from './run-cli.js';

// A reader that went away (`list | head -1`) is not an error: the rest of the output is dropped and
// the command finishes what it was doing (a write to the store is never cut short by a closed pipe).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

const code = await runCli(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
// Nothing should be left running, but a stray keep-alive socket must not hold the terminal.
setTimeout(() => process.exit(code), 200).unref();
