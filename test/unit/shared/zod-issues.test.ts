import { describe, expect, it, vi } from 'vitest';
import * as z from '../../../core/shared/zod';
import { parseInput, schemaOnFirstUse } from '../../../core/shared/zod-issues';
import { ValidationError } from '../../../core/shared/errors';

describe('schemaOnFirstUse', () => {
  it('builds nothing until the schema is first asked for', () => {
    const build = vi.fn(() => z.string());
    schemaOnFirstUse(build);
    expect(build).not.toHaveBeenCalled();
  });

  it('builds the schema once and returns that same schema on every later call', () => {
    const build = vi.fn(() => z.object({ id: z.string() }));
    const schema = schemaOnFirstUse(build);
    const first = schema();
    expect(build).toHaveBeenCalledTimes(1);
    expect(schema()).toBe(first);
    expect(schema()).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('keeps one schema per factory, each built only when its own factory is called', () => {
    const buildA = vi.fn(() => z.string());
    const buildB = vi.fn(() => z.number());
    const a = schemaOnFirstUse(buildA);
    const b = schemaOnFirstUse(buildB);
    a();
    expect(buildA).toHaveBeenCalledTimes(1);
    expect(buildB).not.toHaveBeenCalled();
    expect(b()).not.toBe(a());
  });

  it('parses with the schema it built, messages and paths unchanged', () => {
    const schema = schemaOnFirstUse(() => z.object({ id: z.string().check(z.minLength(2, 'is too short')) }));
    expect(parseInput(schema(), { id: 'ab' }, ['input'])).toEqual({ id: 'ab' });
    let issues: unknown;
    try {
      parseInput(schema(), { id: 'a' }, ['input']);
    } catch (err) {
      if (err instanceof ValidationError) issues = err.issues;
    }
    expect(issues).toEqual([{ field: 'input.id', message: 'is too short' }]);
  });
});
