import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_ROOT, consoleBuildState } from '../../../console/tooling/build-console';
import { consoleSourceHash } from '../../../console/tooling/source-hash';

/** When `npm start` and the CDK asset rebuild the console: build-info.json's hash against the sources. */
const dirs: string[] = [];
const dist = () => {
  const dir = mkdtempSync(join(tmpdir(), 'yvr-console-dist-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the console build state', () => {
  it('is missing without index.html and build-info.json', () => {
    expect(consoleBuildState(dist())).toBe('missing');
  });

  it('is stale when the build came from other sources, fresh when from these', () => {
    const dir = dist();
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'build-info.json'), JSON.stringify({ sourceHash: 'other' }));
    expect(consoleBuildState(dir)).toBe('stale');
    writeFileSync(
      join(dir, 'build-info.json'),
      JSON.stringify({ sourceHash: consoleSourceHash(CONSOLE_ROOT) }),
    );
    expect(consoleBuildState(dir)).toBe('fresh');
    writeFileSync(join(dir, 'build-info.json'), 'not json');
    expect(consoleBuildState(dir)).toBe('stale');
  });

  it('hashes the same sources to the same value', () => {
    expect(consoleSourceHash(CONSOLE_ROOT)).toBe(consoleSourceHash(CONSOLE_ROOT));
    expect(consoleSourceHash(CONSOLE_ROOT)).toMatch(/^[0-9a-f]{64}$/);
  });
});
