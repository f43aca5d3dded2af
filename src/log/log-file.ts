import fs from 'node:fs';
import path from 'node:path';

/**
 * Why the log file could not be written, or undefined when it can: checked without writing to it.
 * A missing file is fine when its nearest existing folder is one we can create it in.
 */
export async function logFileProblem(file: string): Promise<string | undefined> {
  const stat = await fs.promises.stat(file).catch(() => undefined);
  if (stat) {
    if (stat.isDirectory()) return `${file} is a folder, not a file`;
    return fs.promises.access(file, fs.constants.W_OK).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => `${file} cannot be written (${error.code ?? error.message})`,
    );
  }
  let ancestor = path.dirname(file);
  for (;;) {
    const ancestorStat = await fs.promises.stat(ancestor).catch(() => undefined);
    if (ancestorStat) {
      if (!ancestorStat.isDirectory()) return `${ancestor} is a file, so ${file} cannot be created under it`;
      return fs.promises.access(ancestor, fs.constants.W_OK | fs.constants.X_OK).then(
        () => undefined,
        (error: NodeJS.ErrnoException) => `${file} cannot be created: ${ancestor} is not writable (${error.code ?? error.message})`,
      );
    }
    const parent = path.dirname(ancestor);
    if (parent === ancestor) return `${file} cannot be created: none of its folders exist`;
    ancestor = parent;
  }
}
