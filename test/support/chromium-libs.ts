import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/*
 * The Chromium inside @sparticuz/chromium links a few libraries a bare Linux may lack (NSS, NSPR,
 * expat). The package carries them too, built for Amazon Linux 2023 (`bin/al2023.tar.br`), and only
 * unpacks them on Lambda. Here they are unpacked when `ldd` says the system lacks one, and handed
 * to Chromium through LD_LIBRARY_PATH; a system that has its own keeps using those.
 */

/** The libraries `ldd` cannot resolve for `executable`, with `extraLibDir` searched first. Empty when all resolve, or without ldd. */
export function missingLibraries(executable: string, extraLibDir?: string): string[] {
  const env = { ...process.env };
  if (extraLibDir) env['LD_LIBRARY_PATH'] = [extraLibDir, env['LD_LIBRARY_PATH']].filter(Boolean).join(':');
  const result = spawnSync('ldd', [executable], { env, encoding: 'utf8', timeout: 15_000 });
  if (result.error || typeof result.stdout !== 'string') return [];
  return result.stdout
    .split('\n')
    .filter((line) => line.includes('=> not found'))
    .map((line) => line.trim().split(/\s+/)[0]!);
}

/** Regular files, directories and symlinks of a ustar archive, written under `dir`. */
function extractTar(archive: Buffer, dir: string): void {
  const root = path.resolve(dir);
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const name = field(0, 100);
    if (name === '') break;
    const prefix = field(345, 155);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const target = path.resolve(root, prefix ? `${prefix}/${name}` : name);
    if (!target.startsWith(root + path.sep)) throw new Error(`tar entry ${name} points outside ${root}`);
    const body = archive.subarray(offset + 512, offset + 512 + size);
    if (type === '5') fs.mkdirSync(target, { recursive: true });
    else if (type === '0' || type === '7') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, body, { mode: parseInt(field(100, 8).trim() || '644', 8) & 0o755 });
    } else if (type === '2') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.rmSync(target, { force: true });
      fs.symlinkSync(field(157, 100), target);
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

/** Unpacks the package's Amazon Linux libraries into `dir` (once) and returns their folder. */
export function unpackBundledLibraries(dir: string): string {
  const libDir = path.join(dir, 'lib');
  if (fs.existsSync(path.join(libDir, 'libnss3.so'))) return libDir;
  // The package exports only its entry (build/cjs/index.cjs): its bin/ folder is two levels up.
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const archive = zlib.brotliDecompressSync(fs.readFileSync(path.resolve(path.dirname(entry), '..', '..', 'bin', 'al2023.tar.br')));
  // Unpack beside, then rename: a second process never sees half the files.
  const staging = fs.mkdtempSync(`${dir}-staging-`);
  extractTar(archive, staging);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.renameSync(staging, dir);
  } catch {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return libDir;
}
