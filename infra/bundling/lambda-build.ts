import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';

/** What `@duckdb/node-api` resolves to in the bundles (see the file). */
export const DUCKDB_STAND_IN = fileURLToPath(new URL('./duckdb-unavailable.ts', import.meta.url));
/** The SDK's default credential chain, cut to the environment provider that Lambda needs (see the file). */
export const CREDENTIALS_STAND_IN = fileURLToPath(new URL('./credentials-from-env.ts', import.meta.url));
/** The SDK's lazily loaded event-stream support, which no call here uses (see the file). */
export const EVENT_STREAMS_STAND_IN = fileURLToPath(new URL('./no-event-streams.ts', import.meta.url));

/** The repository root: bundles resolve their packages from here. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The file Lambda loads (`index.handler`); chunks sit beside it in `chunks/`. */
export const LAMBDA_ENTRY_FILE = 'index.mjs';

/**
 * The folder, next to an entry, of modules bundled on their own (see
 * {@link buildLambda}). The entry imports them as `./standalone/<name>.js`:
 * the `.js` spelling resolves to the `.ts` file under tsx and vitest, and is
 * left as written in the bundle, where `standalone/` holds `<name>.js` files
 * (ES modules, by the folder's own package.json).
 */
export const STANDALONE_DIR = 'standalone';

/**
 * The esbuild options of both Lambda bundles, kept in this one place: the
 * BundledFunction construct builds with them (through {@link buildLambda}),
 * and so do the benchmark and the bundle tests, so the size and load time
 * they report are the deployed code's.
 */
export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // ES module builds of the SDK and Powertools tree-shake far better than their CJS builds
  // (and the clients' CJS builds would bring the browser user-agent parser, bowser).
  mainFields: ['module', 'main'],
  // Code that few requests run (resolvers/api/handler.ts: config publishing, exports, Cognito
  // administration, SNS, telemetry writes, the replay) is imported with `import()`: with
  // splitting, each such import is a chunk that loads on first use instead of at every cold
  // start, and code shared by chunks goes into chunks of its own. The standalone modules are
  // the exception: built apart, they carry their own copy of what they use (see buildLambda).
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  // Some bundled CJS dependencies call require(); ESM has no require of its own.
  banner: {
    js: "import { createRequire as __yvrCreateRequire } from 'node:module'; const require = __yvrCreateRequire(import.meta.url);",
  },
  minify: true,
  // Off: keeping every function and class name costs the API's cold-start code ~25 KB (44 KB
  // before the split; `npm run bench -- api` measures it). What reads a class's
  // name spells it out instead: Powertools matches exception handlers by the error class's `name`,
  // so core/shared/errors.ts declares it (static and instance); the SDK's errors carry theirs and
  // its `instanceof` checks fall back to the prototype chain.
  keepNames: false,
  sourcemap: true,
  sourcesContent: false,
  treeShaking: true,
  // Licence banners of bundled packages serve no one in a Lambda's code; the packages' licences stay in node_modules.
  legalComments: 'none',
  // The SDK is bundled (not taken from the runtime): see infra/README.md for the measurements.
  external: [],
  // The local mode's DuckDB store is exported next to the Timestream one; keep its native module out.
  // The two SDK stand-ins cut the API bundle by about 145 KB and 18 ms of cold start (bench/sections/api.ts).
  alias: {
    '@duckdb/node-api': DUCKDB_STAND_IN,
    '@aws-sdk/credential-provider-node': CREDENTIALS_STAND_IN,
    '@smithy/core/event-streams': EVENT_STREAMS_STAND_IN,
  },
} as const satisfies BuildOptions;

/**
 * The Lambdas' NODE_OPTIONS. Readable stack traces in the logs cost about
 * 13 ms of cold start (measured, infra/README.md); the benchmark loads the
 * bundles with them too.
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** The code a Lambda loads: the entry with what it imports statically, plus any `import()`ed modules asked for. */
export interface LoadedCode {
  bytes: number;
  /** Per npm package, or per top-level folder for the project's own code, largest first. */
  byPackage: Map<string, number>;
}

/** One Lambda's built code. */
export interface LambdaBuild {
  /** The entry module, `outDir/index.mjs`. */
  file: string;
  /** The JavaScript files (entry and chunks) relative to outDir, with their sizes. */
  outputs: ReadonlyMap<string, number>;
  /** Bytes of all the JavaScript, including the chunks loaded on first use. */
  totalBytes: number;
  /** The modules imported with `import()` (source path from the repository root) and their chunk files. */
  onDemand: ReadonlyMap<string, string>;
  /** The source files (from the repository root) bundled into an `onDemand` module's files. */
  sourcesOf(module: string): string[];
  /**
   * What a cold start loads: the entry and the chunks it imports statically,
   * plus the chunks of `imported` (sources as in {@link onDemand}) with theirs:
   * the modules that the entry's top level imports with `import()`.
   */
  loaded(imported?: readonly string[]): LoadedCode;
}

/**
 * Bundles `entry` (absolute, or relative to the repository root) into `outDir`
 * with {@link LAMBDA_ESBUILD_OPTIONS}, plus `overrides` for what-if variants.
 *
 * Two builds. The entry's build is split: every `import()` becomes a chunk
 * loaded on first use. But esbuild assigns whole files to chunks by the import
 * graph, so a chunk's code that sits behind an index the cold path also
 * imports (the SDK's XML and Query protocols behind `@aws-sdk/core`'s, for
 * S3 and SNS) would land in a chunk every cold start loads. The modules in
 * the entry's {@link STANDALONE_DIR} folder are therefore left out of it and
 * bundled by a second build of their own, SDK runtime included: nothing of
 * theirs can reach the cold start. They must not throw core's error classes,
 * whose `instanceof` does not cross into a second copy
 * (test/integration/api/bundle.test.ts checks it).
 *
 * Synchronous, because CDK's local bundling is. Throws esbuild's error
 * (file, line and reason) when the code does not build.
 */
export function buildLambda(
  entry: string,
  outDir: string,
  overrides: Partial<BuildOptions> = {},
): LambdaBuild {
  const entryFile = resolve(REPO_ROOT, entry);
  const standaloneDir = join(dirname(entryFile), STANDALONE_DIR);
  const standalone = existsSync(standaloneDir)
    ? readdirSync(standaloneDir)
        .filter((file) => file.endsWith('.ts'))
        .sort()
        .map((file) => join(standaloneDir, file))
    : [];
  const options = {
    ...LAMBDA_ESBUILD_OPTIONS,
    // esbuild's API wants mutable arrays; the options above are read-only.
    mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
    ...overrides,
    external: [...(overrides.external ?? LAMBDA_ESBUILD_OPTIONS.external)],
    absWorkingDir: REPO_ROOT,
    metafile: true,
    logLevel: 'silent',
  } satisfies BuildOptions;
  const main = buildSync({
    ...options,
    external: [...options.external, `./${STANDALONE_DIR}/*`],
    entryPoints: [entryFile],
    outdir: outDir,
  });
  const metafiles = [main.metafile];
  if (standalone.length > 0) {
    const side = buildSync({
      ...options,
      entryPoints: standalone,
      outdir: join(outDir, STANDALONE_DIR),
      entryNames: '[name]',
      outExtension: { '.js': '.js' },
    });
    writeFileSync(join(outDir, STANDALONE_DIR, 'package.json'), '{ "type": "module" }\n');
    metafiles.push(side.metafile);
  }
  return summarize(Object.assign({}, ...metafiles.map((m) => m.outputs)) as Metafile['outputs'], outDir);
}

/** What both builds wrote (esbuild's metafile outputs, merged), as a {@link LambdaBuild}. */
function summarize(written: Metafile['outputs'], outDir: string): LambdaBuild {
  const js = Object.entries(written).filter(([path]) => /\.m?js$/.test(path));
  const relativeOf = (path: string): string => relative(outDir, join(REPO_ROOT, path));
  // Chunks made for `import()` have an entryPoint too; the Lambda's entry is index.mjs.
  const entry = js.find(([path]) => relativeOf(path) === LAMBDA_ENTRY_FILE);
  if (!entry) throw new Error(`esbuild wrote no entry module into ${outDir}`);
  const outputs = new Map(js.map(([path, output]) => [relativeOf(path), output.bytes] as const));
  const onDemand = new Map(
    js
      .filter(([path, output]) => output.entryPoint !== undefined && path !== entry[0])
      .map(([path, output]) => [output.entryPoint!, path] as const),
  );
  const chunkOf = (source: string): string => {
    const chunk = onDemand.get(source);
    if (chunk === undefined) throw new Error(`${source} is not imported with import() by the bundle`);
    return chunk;
  };
  // From each start, transitively, the output files it imports statically.
  const closure = (starts: readonly string[]): Set<string> => {
    const files = new Set<string>();
    const visit = (path: string): void => {
      if (files.has(path)) return;
      files.add(path);
      for (const next of written[path]?.imports ?? []) {
        if (next.kind === 'import-statement' && !next.external) visit(next.path);
      }
    };
    starts.forEach(visit);
    return files;
  };
  const sourcesOf = (module: string): string[] => [
    ...new Set([...closure([chunkOf(module)])].flatMap((path) => Object.keys(written[path]?.inputs ?? {}))),
  ];
  const loaded = (imported: readonly string[] = []): LoadedCode => {
    const files = closure([entry[0], ...imported.map(chunkOf)]);
    const byPackage = new Map<string, number>();
    for (const path of files) {
      for (const [input, { bytesInOutput }] of Object.entries(written[path]?.inputs ?? {})) {
        const pkg =
          /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
        byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
      }
    }
    return {
      bytes: [...files].reduce((sum, path) => sum + (outputs.get(relativeOf(path)) ?? 0), 0),
      byPackage: new Map([...byPackage].sort((a, b) => b[1] - a[1])),
    };
  };
  return {
    file: join(outDir, LAMBDA_ENTRY_FILE),
    outputs,
    totalBytes: [...outputs.values()].reduce((sum, bytes) => sum + bytes, 0),
    onDemand: new Map([...onDemand].map(([source, path]) => [source, join(REPO_ROOT, path)] as const)),
    loaded,
    sourcesOf,
  };
}
