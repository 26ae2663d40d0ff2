import * as z from './zod';
import { ValidationError, type FieldIssue } from './errors';

/**
 * Default messages for zod issues that a schema did not word itself. Schemas
 * give their own `error` text where the rule needs explaining (an email, a
 * password policy); these cover the generic cases (wrong type, missing field)
 * in words a dashboard user can act on, never zod's own jargon.
 */
export const friendlyMessage = (issue: z.core.$ZodRawIssue): string | undefined => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${withArticle(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `must be at least ${String(issue.minimum)} characters long`
        : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${String(issue.maximum)} characters long`
        : `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return undefined;
  }
};

const withArticle = (noun: string): string => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`);

/**
 * A schema built on its first use instead of at module load: `schemaOnFirstUse(() => z.object(...))`
 * returns a function that builds the schema on its first call and returns that same schema on
 * every call after. zod builds each schema object with a costly constructor (and `.check` builds
 * another), so schemas built at load were about 12 ms of the API Lambda's cold start; this way a
 * cold start builds none and a container builds each one it parses with once.
 */
export function schemaOnFirstUse<S extends z.core.$ZodType>(build: () => S): () => S {
  let schema: S | undefined;
  return () => (schema ??= build());
}

/**
 * A required string whose type errors say what to send instead of naming
 * types: `is required: <what>` or `must be text: <what>`.
 */
export const requiredString = (what: string) =>
  z.string({
    error: (issue) =>
      issue.input === undefined || issue.input === null ? `is required: ${what}` : `must be text: ${what}`,
  });

/**
 * An optional field whose absence (omitted or null) reads as `fallback`, so
 * the parsed value has the field set and the default stands next to its rule.
 */
export const orDefault = <T extends z.ZodMiniType, D>(schema: T, fallback: D) =>
  z.pipe(
    z.nullish(schema),
    z.transform((value: z.output<T> | null | undefined): NonNullable<z.output<T>> | D => value ?? fallback),
  );

/** Turns zod issues into field issues with dotted paths (`input.email`), one per offending field. */
export function toFieldIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path].map(String);
    if (issue.code === 'unrecognized_keys') {
      // One issue per unknown key, so the field named is the one to remove.
      for (const key of issue.keys) {
        out.push({ field: [...path, key].join('.'), message: 'is not a field of this input' });
      }
      continue;
    }
    const field = path.join('.') || 'input';
    // The first complaint about a field is the one to fix first; more would repeat it.
    if (!out.some((known) => known.field === field)) out.push({ field, message: issue.message });
  }
  return out;
}

/**
 * Parses `value` with `schema`, or throws a ValidationError that names every
 * offending field by its dotted path under `prefix` (e.g. `['input']`).
 */
export function parseInput<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  prefix: readonly PropertyKey[] = [],
): z.output<S> {
  const result = schema.safeParse(value, { error: friendlyMessage });
  if (result.success) return result.data;
  throw new ValidationError(toFieldIssues(result.error.issues, prefix), { cause: result.error });
}
