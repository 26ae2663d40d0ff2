import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildASTSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

// Read here on purpose instead of reusing local/server/schema.ts: the tests derive the
// expected authorization independently, so a bug in the server's reading of the directives
// cannot make its own expectation.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** schema.graphql with AppSync's built-in declarations (local/appsync/prelude.graphql). */
export function loadSchema(): GraphQLSchema {
  const prelude = readFileSync(`${ROOT}local/appsync/prelude.graphql`, 'utf8');
  const source = readFileSync(`${ROOT}schema.graphql`, 'utf8');
  return buildASTSchema(parse(`${prelude}\n${source}`));
}

export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface RootField {
  kind: OperationKind;
  /** `Query`, `Mutation` or `Subscription`. */
  typeName: string;
  field: GraphQLField<unknown, unknown>;
  /** `Type.field`. */
  coordinate: string;
}

/** Every root field of the schema: queries, mutations and subscriptions. */
export function rootFields(schema: GraphQLSchema): RootField[] {
  const roots: [OperationKind, GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, type]) =>
    type
      ? Object.values(type.getFields()).map((field) => ({
          kind,
          typeName: type.name,
          field,
          coordinate: `${type.name}.${field.name}`,
        }))
      : [],
  );
}

/** Who may call a field under AppSync's rules: the user pool groups (`[]` = any group) and IAM. */
export interface AccessRule {
  /** Undefined: no user pool caller at all. */
  cognitoGroups: readonly string[] | undefined;
  iam: boolean;
  /** Where the rule came from, for failure messages. */
  source: 'field' | 'type' | 'default';
}

/**
 * AppSync's precedence: the field's own auth directives, else its type's,
 * else the API's default mode (the user pool, any group).
 */
export function accessRule(root: RootField, schema: GraphQLSchema): AccessRule {
  const type = schema.getType(root.typeName) as GraphQLObjectType;
  return (
    ruleFrom(root.field.astNode?.directives, 'field') ??
    ruleFrom(type.astNode?.directives, 'type') ?? { cognitoGroups: [], iam: false, source: 'default' }
  );
}

function ruleFrom(
  directives: readonly ConstDirectiveNode[] | undefined,
  source: AccessRule['source'],
): AccessRule | undefined {
  const cognito = directives?.find(
    (d) => d.name.value === 'aws_cognito_user_pools' || d.name.value === 'aws_auth',
  );
  const iam = directives?.some((d) => d.name.value === 'aws_iam') ?? false;
  if (!cognito && !iam) return undefined;
  let cognitoGroups: string[] | undefined;
  if (cognito) {
    const groups = cognito.arguments?.find((a) => a.name.value === 'cognito_groups');
    cognitoGroups = groups ? (valueFromASTUntyped(groups.value) as string[]) : [];
  }
  return { cognitoGroups, iam, source };
}

/** True when a user pool caller in `group` passes the directive (ownership rules aside). */
export function groupMayCall(rule: AccessRule, group: string): boolean {
  if (!rule.cognitoGroups) return false;
  return rule.cognitoGroups.length === 0 || rule.cognitoGroups.includes(group);
}

/** Arguments a call must give: non-null without a default. */
export function requiredArgs(field: GraphQLField<unknown, unknown>): readonly GraphQLArgument[] {
  return field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
}

/** A valid value for each AppSync scalar, so that only the argument under test is odd. */
const SCALAR_SAMPLES: Record<string, unknown> = {
  ID: 'sec-dummy',
  String: 'x',
  Int: 1,
  Float: 1.5,
  Boolean: true,
  AWSDate: '2026-11-27',
  AWSTime: '12:00:00Z',
  AWSDateTime: '2026-11-27T00:00:00Z',
  AWSTimestamp: 1764201600,
  AWSEmail: 'sec-dummy@example.com',
  AWSJSON: '{}',
  AWSURL: 'https://example.com/',
  AWSPhone: '+15555550100',
  AWSIPAddress: '127.0.0.1',
};

/**
 * A well-formed value of `type` built from the schema alone: scalars from
 * samples, the first enum value, input objects with their required fields,
 * lists of one. `hint` personalises IDs and emails (e.g. the field name).
 */
export function sampleValue(type: GraphQLInputType, hint = 'sec-dummy'): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [sampleValue(nullable.ofType as GraphQLInputType, hint)];
  if (isEnumType(nullable)) return nullable.getValues()[0]?.value;
  if (isInputObjectType(nullable)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(nullable.getFields()))
      if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = sampleValue(f.type, hint);
    return out;
  }
  if (nullable.name === 'ID') return hint;
  if (nullable.name === 'AWSEmail') return `${hint.toLowerCase()}@example.com`;
  if (!(nullable.name in SCALAR_SAMPLES)) throw new Error(`No sample for scalar ${nullable.name}`);
  return SCALAR_SAMPLES[nullable.name];
}

/** Sample values for a field's required arguments. */
export function sampleArgs(field: GraphQLField<unknown, unknown>, hint?: string): Record<string, unknown> {
  return Object.fromEntries(requiredArgs(field).map((a) => [a.name, sampleValue(a.type, hint)]));
}

/** A small selection: the leaf fields of the result type (and `__typename`), or nothing for a leaf. */
export function smallSelection(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isLeafType(named) || !isObjectType(named)) return '';
  const leaves = Object.values(named.getFields())
    .filter((f) => isLeafType(getNamedType(f.type)))
    .map((f) => f.name);
  return ` { __typename ${leaves.join(' ')} }`;
}

/**
 * One operation calling `root.field` with every argument in `args` passed as
 * a variable of the argument's declared type.
 */
export function operationFor(
  root: RootField,
  args: Record<string, unknown>,
  operationName = `Call_${root.field.name}`,
): { query: string; variables: Record<string, unknown>; operationName: string } {
  const given = root.field.args.filter((a) => a.name in args);
  const params = given.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const passed = given.map((a) => `${a.name}: $${a.name}`).join(', ');
  const query = `${root.kind} ${operationName}${params ? `(${params})` : ''} { ${root.field.name}${
    passed ? `(${passed})` : ''
  }${smallSelection(root.field.type)} }`;
  return { query, variables: args, operationName };
}
