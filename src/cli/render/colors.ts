/** Text styles for a terminal. With colour off every function returns its input unchanged. */
export interface Palette {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** Colour only on a terminal, never when NO_COLOR is set (https://no-color.org), or TERM=dumb; FORCE_COLOR forces it on. */
export function shouldUseColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

const style = (enabled: boolean, open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);

export function createPalette(enabled: boolean): Palette {
  return {
    enabled,
    bold: style(enabled, 1, 22),
    dim: style(enabled, 2, 22),
    red: style(enabled, 31, 39),
    green: style(enabled, 32, 39),
    yellow: style(enabled, 33, 39),
    cyan: style(enabled, 36, 39),
  };
}

export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'plain';

export function paint(palette: Palette, tone: Tone, text: string): string {
  switch (tone) {
    case 'ok':
      return palette.green(text);
    case 'warn':
      return palette.yellow(text);
    case 'bad':
      return palette.red(text);
    case 'muted':
      return palette.dim(text);
    default:
      return text;
  }
}
