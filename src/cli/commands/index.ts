import type { Command } from '../command.js';
import { dashboard } from './dashboard.js';
import { doctor } from './doctor.js';
import { disable, enable } from './enable.js';
import { importCommand } from './import.js';
import { login } from './login.js';
import { pin, unpin } from './pin.js';
import { refresh } from './refresh.js';
import { remove } from './remove.js';
import { rename } from './rename.js';
import { list, status } from './status.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: Command[] = [login, importCommand, list, status, refresh, enable, disable, pin, unpin, rename, remove, dashboard, doctor];
