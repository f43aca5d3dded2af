import { packageVersion } from '../../plugin/version.js';
import type { Command } from '../command.js';
import { writeLine } from '../context.js';

export const version: Command = {
  name: 'version',
  help: {
    brief: 'print the version (also --version)',
    usage: 'version',
    summary: "Prints this tool's version, which is the plugin's version: they ship in one package.",
    examples: ['opencode-multi-auth --version'],
  },
  options: {},
  positionals: { min: 0, max: 0 },
  run(context) {
    writeLine(context.stdout, packageVersion());
    return Promise.resolve(0);
  },
};
