import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logFileProblem } from '../../src/log/log-file.js';
import { fileSink } from '../../src/log/logger.js';
import { createWorld, runCli, type CliWorld } from '../cli/harness.js';
import { removeDir, tempDir } from '../store/factories.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let root: string;
beforeEach(() => {
  root = tempDir();
});
afterEach(() => removeDir(root));

describe('an unusable log file', () => {
  it('is reported once, naming the file and the setting, however many lines are logged', async () => {
    const blocker = path.join(root, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const reports: string[] = [];
    const sink = fileSink(path.join(blocker, 'plugin.log'), (message) => reports.push(message));
    for (let n = 0; n < 5; n++) sink(`line ${n}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(path.join(blocker, 'plugin.log'));
    expect(reports[0]).toContain('OPENCODE_MULTI_AUTH_LOG_FILE');
  });

  it('is reported once on stderr by the plugin inside a real process', async () => {
    const blocker = path.join(root, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const script = `
      const { PluginRuntime } = await import(${JSON.stringify(path.join(repoRoot, 'dist/plugin/plugin-runtime.js'))});
      const runtime = new PluginRuntime({ env: { ...process.env } });
      for (let n = 0; n < 5; n++) runtime.logger.error('something worth logging ' + n);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await runtime.dispose();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        HOME: root,
        OPENCODE_MULTI_AUTH_STORE_DIR: path.join(root, 'store'),
        OPENCODE_MULTI_AUTH_LOG_FILE: path.join(blocker, 'plugin.log'),
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr.match(/cannot write its log file/g)).toHaveLength(1);
    expect(stderr).toContain(path.join(blocker, 'plugin.log'));
  }, 60_000);

  it.each<[string, (root: string) => string, RegExp | undefined]>([
    ['a new file in an existing folder', (dir) => path.join(dir, 'plugin.log'), undefined],
    ['a new file in folders still to be made', (dir) => path.join(dir, 'a', 'b', 'plugin.log'), undefined],
    ['a folder', (dir) => dir, /is a folder/],
    ['a file under a file', (dir) => (fs.writeFileSync(path.join(dir, 'f'), ''), path.join(dir, 'f', 'plugin.log')), /is a file/],
  ])('logFileProblem: %s', async (_, make, expected) => {
    const problem = await logFileProblem(make(root));
    if (expected) expect(problem).toMatch(expected);
    else expect(problem).toBeUndefined();
  });
});

describe('through the command-line tool', () => {
  let world: CliWorld;
  beforeEach(async () => {
    world = await createWorld();
  });
  afterEach(async () => world.close());

  it('refuses an empty OPENCODE_MULTI_AUTH_STORE_DIR by name instead of using the default store', async () => {
    const { code, stderr } = await runCli(world, ['list'], { env: { OPENCODE_MULTI_AUTH_STORE_DIR: '' } });
    expect(code).toBe(2);
    expect(stderr).toContain('OPENCODE_MULTI_AUTH_STORE_DIR is set but empty');
    expect(fs.existsSync(path.join(world.home, 'config', 'opencode-multi-auth'))).toBe(false);
  }, 60_000);

  it('has doctor name a log file the plugin cannot write', async () => {
    fs.writeFileSync(path.join(world.home, 'blocker'), '');
    const { stdout } = await runCli(world, ['doctor', '--offline', '--json'], {
      env: { OPENCODE_MULTI_AUTH_LOG_FILE: path.join(world.home, 'blocker', 'x.log') },
    });
    const check = (JSON.parse(stdout) as { checks: Array<{ name: string; level: string; message: string; fix: string }> }).checks.find(
      (candidate) => candidate.name === 'log file',
    )!;
    expect(check.level).toBe('warn');
    expect(check.message).toContain(path.join(world.home, 'blocker'));
    expect(check.fix).toContain('OPENCODE_MULTI_AUTH_LOG_FILE');
    const fine = JSON.parse((await runCli(world, ['doctor', '--offline', '--json'])).stdout) as {
      checks: Array<{ name: string; level: string; message: string }>;
    };
    const ok = fine.checks.find((candidate) => candidate.name === 'log file')!;
    expect(ok.level).toBe('ok');
    expect(ok.message).toContain(path.join(world.storeDir, 'plugin.log'));
  }, 60_000);
});
