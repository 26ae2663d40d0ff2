import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';

/** What the console's build depends on besides its own files: the versions of these packages. */
export const CONSOLE_PACKAGES = ['react', 'react-dom', 'aws-amplify', 'uplot', 'vite'] as const;

/** Folders under console/ that are not sources. */
const SKIP = new Set(['dist', 'node_modules']);

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (SKIP.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else out.push(path);
  }
  return out;
}

/**
 * A hash of everything a console build is made from: every file under
 * console/ (but dist/), the generated API types it imports, and the installed
 * versions of its packages. Equal hashes mean an equal build.
 */
export function consoleSourceHash(consoleRoot: string): string {
  const hash = createHash('sha256');
  for (const file of files(consoleRoot)) {
    hash.update(relative(consoleRoot, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  const generated = join(consoleRoot, '..', 'core', 'generated', 'graphql.ts');
  hash.update(readFileSync(generated));
  const require = createRequire(join(consoleRoot, 'package.json'));
  for (const name of CONSOLE_PACKAGES) {
    let version = 'missing';
    try {
      version = (
        JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }
      ).version;
    } catch {
      // Not installed: the build would fail anyway, and says why.
    }
    hash.update(`${name}@${version}\0`);
  }
  return hash.digest('hex');
}
