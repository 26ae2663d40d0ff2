import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../infra/create-app';
import { buildLambda } from '../../../infra/bundling/lambda-build';
import { cdkJsonContext } from './build';

/**
 * The one test file that bundles: a full synthesis of the `stage` app as
 * `cdk synth` runs it (cdk.json context, cdk-nag registered as a validation
 * plugin, both Lambdas bundled by esbuild), once for the whole file.
 */
let assembly: CloudAssembly;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

beforeAll(() => {
  const { app } = createApp({ context: { ...cdkJsonContext(), stage: 'stage' } });
  // Throws if any cdk-nag finding is unacknowledged: the validation plugin interrupts synthesis.
  assembly = app.synth();
  template = assembly.getStackByName('yvr-stage').template;
}, 180_000);

/** Where the assets manifest says the asset with this hash was staged. */
function stagedAsset(hash: string): string {
  const manifest = JSON.parse(readFileSync(join(assembly.directory, 'yvr-stage.assets.json'), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  const entry = manifest.files[hash];
  if (!entry) throw new Error(`no staged asset ${hash}`);
  return join(assembly.directory, entry.source.path);
}

/** The bundle directory of the function named `name`. */
function bundleOf(name: string): string {
  const fn = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === name,
  );
  const key = (fn?.Properties.Code as { S3Key?: string } | undefined)?.S3Key;
  if (!key) throw new Error(`no code asset for ${name}`);
  return stagedAsset(key.replace(/\.zip$/, ''));
}

/** The JavaScript files of a bundle directory (entry, chunks, standalone modules), relative to it, sorted. */
function javascriptOf(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.m?js$/.test(f)).sort();
}

describe('full synth of the stage app', () => {
  it('writes the template, the assets manifest and a validation report without violations', () => {
    expect(existsSync(join(assembly.directory, 'yvr-stage.template.json'))).toBe(true);
    expect(existsSync(join(assembly.directory, 'yvr-stage.assets.json'))).toBe(true);
    const stack = assembly.getStackByName('yvr-stage');
    const errors = Object.values(stack.manifest.metadata ?? {})
      .flat()
      .filter((m) => m.type === 'aws:cdk:error' || m.type === 'aws:cdk:warning');
    expect(errors).toEqual([]);
  });

  it.each(['yvr-stage-api', 'yvr-stage-calibration'])(
    'bundles %s as minified ES modules with source maps, importing only node built-ins and its own chunks',
    (name) => {
      const dir = bundleOf(name);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      // The handler is exported, the SDK is inside, and nothing is left for the runtime to resolve but node: built-ins.
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
      for (const file of javascriptOf(dir)) {
        const text = readFileSync(join(dir, file), 'utf8');
        expect(existsSync(join(dir, `${file}.map`))).toBe(true);
        // Static imports of a minified ES module (`import{a as b}from"x"`, `import*as c from"x"`,
        // `import"x"`) and dynamic ones (`import("x")`).
        const imports = [
          ...text.matchAll(
            /(?:^|[;\n}])import\s*(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*\s*as\s+[\w$]+)?\s*(?:from\s*)?"([^"]+)"/g,
          ),
          ...text.matchAll(/\bimport\("([^"]+)"\)/g),
        ].map((m) => m[1]!);
        const unresolved = imports.filter(
          (s) =>
            !s.startsWith('node:') &&
            !/^\.\.?\//.test(s) &&
            !/^(fs|path|os|crypto|stream|http|https|url|util|zlib|events|buffer|child_process|net|tls|process|module|worker_threads|async_hooks|dns|perf_hooks|querystring|string_decoder|timers|diagnostics_channel)$/.test(
              s,
            ),
        );
        expect(unresolved, file).toEqual([]);
        // A chunk imported by relative path is in the asset.
        for (const relative of imports.filter((s) => /^\.\.?\//.test(s))) {
          expect(existsSync(join(dir, file, '..', relative)), `${file} imports ${relative}`).toBe(true);
        }
        expect(text).not.toContain('@duckdb/node-api');
      }
      // Minified: long lines (only template literals keep their newlines), not a readable file.
      expect(code.length / code.split('\n').length).toBeGreaterThan(2000);
      const kb = statSync(join(dir, 'index.mjs')).size / 1024;
      console.info(`${name}: ${kb.toFixed(1)} KB minified entry, ${javascriptOf(dir).length} files`);
      // A ceiling that catches a native module or a whole SDK slipping in; the target is the bundle budget in bench/sections/api.ts.
      expect(kb).toBeLessThan(1500);
    },
  );

  it('splits the API into cold-start code and modules loaded on first use, standalone ones as ES modules', () => {
    const api = bundleOf('yvr-stage-api');
    expect(javascriptOf(api).some((f) => f.startsWith('chunks/'))).toBe(true);
    expect(readFileSync(join(api, 'index.mjs'), 'utf8')).toMatch(/import\("\.\/chunks\//);
    expect(readFileSync(join(api, 'index.mjs'), 'utf8')).toMatch(/import\("\.\/standalone\/s3\.js"\)/);
    // `.js` files are CommonJS to Node unless their package.json says otherwise.
    expect(JSON.parse(readFileSync(join(api, 'standalone', 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
    expect(existsSync(join(bundleOf('yvr-stage-calibration'), 'standalone'))).toBe(false);
  });

  it.each([
    ['yvr-stage-api', 'resolvers/api/handler.ts'],
    ['yvr-stage-calibration', 'processors/calibration/handler.ts'],
  ])(
    'bundles %s exactly as buildLambda does (what the benchmark and the bundle test measure)',
    (name, entry) => {
      const dir = mkdtempSync(join(tmpdir(), 'yvr-synth-esbuild-'));
      try {
        buildLambda(entry, dir);
        const deployed = bundleOf(name);
        // Chunk names carry a content hash that also covers the source map, whose source paths are
        // relative to the output folder: the same build into another folder differs only there.
        const unhashed = (text: string) => text.replace(/-[A-Z0-9]{8}\.(m?js)/g, '-HASH.$1');
        const unhashedFiles = (at: string) =>
          javascriptOf(at).map((file) => ({
            file: unhashed(file),
            text: unhashed(readFileSync(join(at, file), 'utf8')),
          }));
        const byText = (a: { text: string }, b: { text: string }) =>
          a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
        const built = unhashedFiles(dir).sort(byText);
        const shipped = unhashedFiles(deployed).sort(byText);
        // Compared as lengths first: a mismatch then prints a short message, not two bundles.
        expect(built.map((f) => [f.file, f.text.length])).toEqual(
          shipped.map((f) => [f.file, f.text.length]),
        );
        expect(built.every((f, k) => f.text === shipped[k]!.text)).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('builds the operator console into its asset (vite), so a fresh clone synthesizes without a prior build', () => {
    const deployment = Object.values(template.Resources).find(
      (r) => r.Type === 'Custom::CDKBucketDeployment',
    );
    const keys = deployment?.Properties.SourceObjectKeys as string[] | undefined;
    const hash = keys?.[0]?.replace(/\.zip$/, '');
    if (!hash) throw new Error('no console asset');
    const dir = stagedAsset(hash);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module"[^>]*src="\.\/assets\/[^"]+\.js"/);
    expect(existsSync(join(dir, 'build-info.json'))).toBe(true);
    // config.json comes from the stack's outputs at deploy time, never from the build.
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('ships the resolver code unbundled, importing only @aws-appsync/utils', () => {
    const resolvers = Object.values(template.Resources).filter((r) => r.Type === 'AWS::AppSync::Resolver');
    const hashes = new Set(
      resolvers.map((r) => JSON.stringify(r.Properties.CodeS3Location).match(/([0-9a-f]{64})\.js/)?.[1]),
    );
    // invoke-lambda.js, on-device-config-changed.js, on-alert-changed.js
    expect(hashes.size).toBe(3);
    for (const hash of hashes) {
      const code = readFileSync(stagedAsset(hash!), 'utf8');
      const imports = [...code.matchAll(/from\s*'([^']+)'/g)].map((m) => m[1]);
      expect(imports).toEqual(expect.arrayContaining(['@aws-appsync/utils']));
      expect(imports.every((i) => i === '@aws-appsync/utils')).toBe(true);
      expect(code).toMatch(/export function request\(/);
      expect(code).toMatch(/export function response\(/);
    }
  });
});
