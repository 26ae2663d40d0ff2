import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSection, BenchSectionRunner } from './lib';

// Runs every section in bench/sections/ (or only those named on the command
// line), prints one table and writes bench/results.json.
const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'sections');
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const sections: BenchSection[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: BenchSectionRunner };
  process.stderr.write(`running ${file} ...\n`);
  const section = await mod.default();
  sections.push(section);
  printSection(section);
}

// A run of some sections replaces only those in results.json; the others keep their last figures.
const resultsPath = join(dir, '..', 'results.json');
const previous: BenchSection[] =
  only.length > 0 && existsSync(resultsPath)
    ? ((JSON.parse(readFileSync(resultsPath, 'utf8')) as { sections?: BenchSection[] }).sections ?? [])
    : [];
const fresh = new Set(sections.map((s) => s.title));
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  sections: [...previous.filter((s) => !fresh.has(s.title)), ...sections],
};
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  `\n${results.cores} cores, ${results.cpu}, Node ${results.node}; written to bench/results.json\n`,
);
process.exit(0);

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toString();
}

function printSection(section: BenchSection): void {
  const rows = section.figures.map((f) => [
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.reference ? `${fmt(f.value / f.reference.value)}x ${f.reference.name}` : '',
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'met' : 'NOT MET',
  ]);
  const header = ['figure', 'value', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`\n## ${section.title}\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  for (const n of section.notes ?? []) process.stdout.write(`  note: ${n}\n`);
}
