import { spawn } from 'node:child_process';

/**
 * A way to open a URL in the user's browser, or undefined when there is no browser to open
 * (no display, an SSH session, or output that is not a terminal). The URL is always printed too.
 */
export function browserOpener(env: NodeJS.ProcessEnv, isTTY: boolean, platform: NodeJS.Platform = process.platform): ((url: string) => void) | undefined {
  if (!isTTY || env.SSH_CONNECTION || env.SSH_TTY) return undefined;
  let command: [string, string[]] | undefined;
  if (platform === 'darwin') command = ['open', []];
  else if (platform === 'win32') command = ['cmd', ['/c', 'start', '""']];
  else if (env.DISPLAY || env.WAYLAND_DISPLAY) command = ['xdg-open', []];
  if (!command) return undefined;
  const [bin, args] = command;
  return (url) => {
    const child = spawn(bin, [...args, url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  };
}
