import type { Command } from '../command.js';
import { clear } from './clear.js';
import { completionCommand } from './completion.js';
import { dashboard } from './dashboard.js';
import { doctor } from './doctor.js';
import { disable, enable } from './enable.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { login } from './login.js';
import { pin, unpin } from './pin.js';
import { refresh } from './refresh.js';
import { remove } from './remove.js';
import { rename } from './rename.js';
import { list, status } from './status.js';
import { version } from './version.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: Command[] = [
  login,
  importCommand,
  list,
  status,
  refresh,
  enable,
  disable,
  clear,
  pin,
  unpin,
  rename,
  remove,
  exportCommand,
  dashboard,
  doctor,
  completionCommand(() => COMMANDS),
  version,
];
