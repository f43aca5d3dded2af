#!/usr/bin/env node
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
// Nothing should be left running, but a stray keep-alive socket must not hold the terminal.
setTimeout(() => process.exit(code), 200).unref();
