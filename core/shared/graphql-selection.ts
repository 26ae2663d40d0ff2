import {
  getNamedType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/** Beyond this many levels a selection stops descending (AppSync's own depth limit is far above the schema's). */
const MAX_DEPTH = 8;

/**
 * The selection set of every field of the type `typeName`, nested through
 * objects, lists and non-null wrappers: `{ id name location { latitude longitude } ... }`.
 *
 * Why it exists: AppSync sends a subscriber only the fields the triggering
 * mutation selected, so a backend-only mutation that exists to fire a
 * subscription (`notifyDeviceConfigChanged`, later `onAlertChanged`'s) must
 * select everything any subscriber may ask for. Generating it from the
 * schema keeps it whole when the type grows.
 *
 * Fields that require arguments are left out (no value to give them); a type
 * already open on the path is not entered again, so recursive types end.
 * Unions select `__typename` and each member's fields.
 */
export function fullSelectionSet(schema: GraphQLSchema, typeName: string): string {
  const type = schema.getType(typeName);
  if (!type || !(isObjectType(type) || isInterfaceType(type) || isUnionType(type))) {
    throw new Error(`The schema has no object type ${typeName} to select`);
  }
  return selectionOf(schema, type, [], 0);
}

function selectionOf(
  schema: GraphQLSchema,
  type: GraphQLNamedType,
  path: readonly string[],
  depth: number,
): string {
  if (isUnionType(type)) {
    const members = type
      .getTypes()
      .filter((member) => !path.includes(member.name))
      .map((member) => `... on ${member.name} ${selectionOf(schema, member, path, depth)}`);
    return `{ __typename${members.length ? ` ${members.join(' ')}` : ''} }`;
  }
  if (!isObjectType(type) && !isInterfaceType(type)) return '';
  const inner = [...path, type.name];
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isObjectType(named) || isInterfaceType(named) || isUnionType(named)) {
      if (inner.includes(named.name) || depth + 1 >= MAX_DEPTH) continue;
      parts.push(`${field.name} ${selectionOf(schema, named, inner, depth + 1)}`);
    } else {
      parts.push(field.name);
    }
  }
  return `{ ${parts.join(' ')} }`;
}

/**
 * The types that subscriptions deliver (the named return types of the
 * Subscription fields): those whose full selection the backend needs.
 */
export function subscriptionPayloadTypes(schema: GraphQLSchema): string[] {
  const fields = Object.values(schema.getSubscriptionType()?.getFields() ?? {});
  return [...new Set(fields.map((f) => getNamedType(f.type).name))].sort();
}
