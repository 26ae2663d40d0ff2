import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { accessRule, loadSchema, rootFields, type RootField } from '../../e2e/security/schema-model';

// docs/CONTRACT.md is what the dashboard and firmware teams read; this suite
// keeps it true to schema.graphql in both directions.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(`${ROOT}docs/CONTRACT.md`, 'utf8');
const schema = loadSchema();
const fields = rootFields(schema);

interface DocumentedOperation {
  name: string;
  signature: string;
  groups: string;
}

/** The rows of the operation tables: `| \`name(args): Type\` | groups | what |`. */
function documentedOperations(markdown: string): DocumentedOperation[] {
  const rows: DocumentedOperation[] = [];
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`([A-Za-z]\w*)((?:\([^`]*\))?(?::[^`]*)?)`\s*\|\s*([^|]+?)\s*\|/.exec(line);
    if (match) rows.push({ name: match[1]!, signature: match[2]!, groups: match[3]!.trim() });
  }
  return rows;
}

/** The groups column as the schema would write it: `admin, user`, `admin`, or `backend (IAM)`. */
function groupsOf(field: RootField): string {
  const rule = accessRule(field, schema);
  if (!rule.cognitoGroups && rule.iam) return 'backend (IAM)';
  return (rule.cognitoGroups ?? []).join(', ');
}

const documented = documentedOperations(doc);

describe('docs/CONTRACT.md', () => {
  it('lists its operations in tables that the check can read', () => {
    expect(documented.length).toBeGreaterThan(20);
  });

  it.each(fields.map((f) => [f.coordinate, f] as const))('documents %s', (_coordinate, field) => {
    const row = documented.find((op) => op.name === field.field.name);
    expect(row, `${field.coordinate} is in schema.graphql but not in docs/CONTRACT.md`).toBeDefined();
    expect(row!.groups, `groups of ${field.coordinate}`).toBe(groupsOf(field));
  });

  it.each(documented.map((op) => [op.name, op] as const))(
    'names %s as the schema defines it',
    (_name, op) => {
      const field = fields.find((f) => f.field.name === op.name);
      expect(field, `docs/CONTRACT.md names ${op.name}, which schema.graphql does not define`).toBeDefined();
      if (!op.signature) return;
      const args = field!.field.args.map((a) => `${a.name}: ${a.type.toString()}`);
      const expected = `${args.length ? `(${args.join(', ')})` : ''}: ${field!.field.type.toString()}`;
      expect(op.signature, `signature of ${op.name}`).toBe(expected);
    },
  );

  it('links to nothing outside the repository', () => {
    for (const file of ['README.md', 'docs/CONTRACT.md', 'docs/ARCHITECTURE.md']) {
      expect(readFileSync(`${ROOT}${file}`, 'utf8'), file).not.toMatch(/\.\.\/shared\//);
    }
  });
});
