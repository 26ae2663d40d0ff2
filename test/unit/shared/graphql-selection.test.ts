import { readFileSync } from 'node:fs';
import {
  buildSchema,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  validate,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { renderSelectionsModule } from '../../../codegen-selections';
import { NOTIFY_MUTATION } from '../../../core/ingestion/appsync-notifier';
import { FULL_SELECTIONS } from '../../../core/generated/selections';
import { fullSelectionSet, subscriptionPayloadTypes } from '../../../core/shared/graphql-selection';
import { loadLocalSchema } from '../../../local/server/schema';

const root = new URL('../../../', import.meta.url);
const { schema, authRules } = loadLocalSchema();

/** Every `Type.field` path a selection reaches, walking it against the schema. */
function reached(type: GraphQLObjectType, selection: string): string[] {
  const doc = parse(`{ x ${selection} }`);
  const out: string[] = [];
  const walk = (t: GraphQLObjectType, set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind !== Kind.FIELD) continue;
      out.push(`${t.name}.${sel.name.value}`);
      const named = getNamedType(t.getFields()[sel.name.value]!.type);
      if (sel.selectionSet && isObjectType(named)) walk(named, sel.selectionSet);
    }
  };
  const op = doc.definitions[0] as OperationDefinitionNode;
  const x = op.selectionSet.selections[0];
  walk(type, x?.kind === Kind.FIELD ? x.selectionSet : undefined);
  return out;
}

/** Every `Type.field` of a type and the object types under it. */
function allFields(type: GraphQLObjectType, seen = new Set<string>()): string[] {
  seen.add(type.name);
  return Object.values(type.getFields()).flatMap((f) => {
    const named = getNamedType(f.type);
    const here = `${type.name}.${f.name}`;
    return isObjectType(named) && !seen.has(named.name) ? [here, ...allFields(named, new Set(seen))] : [here];
  });
}

describe('fullSelectionSet', () => {
  it('selects every field of Device, nested through sensors, calibration and delivery', () => {
    const device = schema.getType('Device') as GraphQLObjectType;
    expect(reached(device, fullSelectionSet(schema, 'Device')).sort()).toEqual(allFields(device).sort());
    expect(reached(device, fullSelectionSet(schema, 'Device'))).toContain('CalibrationPoint.actual');
  });

  it('ends on recursive types, leaves out fields with required arguments and spells out unions', () => {
    const small = buildSchema(`
      type A { id: ID! b: B self: A needs(x: Int!): Int optional(x: Int): Int u: U }
      type B { a: A n: Int }
      union U = A | B
      type Query { a: A }
      type Subscription { onA: A onB: B }
    `);
    expect(fullSelectionSet(small, 'A')).toBe('{ id b { n } optional u { __typename ... on B { n } } }');
    expect(subscriptionPayloadTypes(small)).toEqual(['A', 'B']);
    expect(() => fullSelectionSet(small, 'Nope')).toThrow('no object type Nope');
  });

  it('matches the generated module, so the Lambdas never carry a stale selection', () => {
    const generated = readFileSync(new URL('core/generated/selections.ts', root), 'utf8');
    const expected = renderSelectionsModule(
      readFileSync(new URL('schema.graphql', root), 'utf8'),
      readFileSync(new URL('local/appsync/prelude.graphql', root), 'utf8'),
    );
    expect(generated, 'run npm run codegen').toBe(expected);
    expect(Object.keys(FULL_SELECTIONS)).toEqual(subscriptionPayloadTypes(schema));
  });
});

describe('the backend notify mutation', () => {
  it('selects every Device field, so AppSync can give any subscriber what it asks for', () => {
    const doc = parse(NOTIFY_MUTATION);
    expect(validate(schema, doc)).toEqual([]);
    const device = schema.getType('Device') as GraphQLObjectType;
    const selection = NOTIFY_MUTATION.slice(NOTIFY_MUTATION.indexOf('(id: $id)') + '(id: $id)'.length, -2);
    expect(reached(device, selection).sort()).toEqual(allFields(device).sort());
  });

  it('selects only fields an IAM caller may read, as AppSync checks them for an @aws_iam mutation', () => {
    const device = schema.getType('Device') as GraphQLObjectType;
    const denied = reached(device, FULL_SELECTIONS.Device).filter((path) => !authRules.get(path)?.iam);
    expect(denied).toEqual([]);
  });
});
