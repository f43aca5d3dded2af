import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/parse-command-line.js';

/*
 * Every command a message, hint, help text or the README suggests must be a real, complete command:
 * each is collected from the source and the README and run through the command-line parser.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Sample values for `${...}` in a template: a command name first (`${command.name} --help`), an alias elsewhere. */
const fillTemplate = (text: string) => text.replace(/^\$\{[^}]*\}/, 'list').replace(/\$\{[^}]*\}/g, 'work');

/** Quoted command strings: `opencode-multi-auth …` in backticks (escaped or not), double or single quotes. */
function commandsIn(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\\?`opencode-multi-auth ((?:[^`\\$]|\$\{[^}]*\}|\\(?!`))+)\\?`/g, /"opencode-multi-auth ([^"\\]+)"/g, /'opencode-multi-auth ([^'\\]+)'/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(fillTemplate(match[1]!));
  return found;
}

function readmeCommands(): string[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const inCode = readme
    .split('\n')
    .filter((line) => line.startsWith('opencode-multi-auth '))
    .map((line) => line.replace(/\s+#.*$/, '').slice('opencode-multi-auth '.length));
  return [...inCode, ...commandsIn(readme)];
}

/** Usage lines (`<command> [options]`, `[--json]`, `a | b`) describe a syntax; they are not suggestions. */
const isSyntax = (command: string) => /^<|[[|]|\.\.\./.test(command);

/** A placeholder in a suggestion (`login <alias>`) stands for a value: it is checked with a sample one. */
const fillPlaceholders = (command: string) => command.replace(/<[^>]+>/g, 'work');

const collected = [...new Set([...sourceFiles(path.join(root, 'src')).flatMap((file) => commandsIn(fs.readFileSync(file, 'utf8'))), ...readmeCommands()])]
  .filter((command) => !isSyntax(command))
  .map(fillPlaceholders);

describe('every suggested command', () => {
  it('finds the suggestions (the collector works)', () => {
    expect(collected.length).toBeGreaterThan(30);
    expect(collected).toContain('login work');
    expect(collected).toContain('clear work');
  });

  it.each(collected)('opencode-multi-auth %s parses', (command) => {
    const argv = command.trim().split(/\s+/);
    expect(() => parseCommandLine(argv)).not.toThrow();
  });

  it('refuses what was suggested before: login --alias', () => {
    expect(() => parseCommandLine(['login', '--alias', 'team'])).toThrow(/Unknown option '--alias' for login\./);
  });
});
