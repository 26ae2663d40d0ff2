import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getDirectiveValues,
  isObjectType,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { appSyncScalars } from './scalars';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Who may read a field, as AppSync decides it from the auth directives. */
export interface AuthRule {
  /** Cognito user pool callers: undefined = not allowed, [] = any group, else one of these groups. */
  cognitoGroups?: readonly string[];
  /** IAM (backend) callers allowed. */
  iam: boolean;
}

/** The schema plus what the server reads from its AppSync directives. */
export interface LocalSchema {
  schema: GraphQLSchema;
  /** `Type.field` -> rule. */
  authRules: Map<string, AuthRule>;
  /** Mutation name -> the subscription fields that `@aws_subscribe` to it. */
  subscriptionsByMutation: Map<string, string[]>;
}

/**
 * Builds schema.graphql with the AppSync prelude (scalars and directives),
 * attaches the scalar validation, and reads the auth and `@aws_subscribe`
 * directives once so that requests only look rules up.
 */
export function loadLocalSchema(sdl?: string): LocalSchema {
  const source = sdl ?? readFileSync(`${ROOT}schema.graphql`, 'utf8');
  const prelude = readFileSync(`${ROOT}local/appsync/prelude.graphql`, 'utf8');
  const schema = buildSchema(`${prelude}\n${source}`);
  for (const [name, scalar] of Object.entries(appSyncScalars())) {
    const type = schema.getType(name);
    if (type && 'serialize' in type)
      Object.assign(type, {
        serialize: scalar.serialize,
        parseValue: scalar.parseValue,
        parseLiteral: scalar.parseLiteral,
      });
  }

  const authRules = new Map<string, AuthRule>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeRule = ruleOf(schema, type);
    for (const field of Object.values(type.getFields())) {
      authRules.set(`${type.name}.${field.name}`, ruleOf(schema, field) ?? typeRule ?? DEFAULT_RULE);
    }
  }

  const subscriptionsByMutation = new Map<string, string[]>();
  const subscribe = schema.getDirective('aws_subscribe');
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
    const mutations = directiveArg<string[]>(subscribe, field, 'mutations') ?? [];
    for (const mutation of mutations) {
      if (!schema.getMutationType()?.getFields()[mutation]) {
        throw new Error(
          `@aws_subscribe on Subscription.${field.name} names the mutation ${mutation}, which the schema does not have`,
        );
      }
      subscriptionsByMutation.set(mutation, [...(subscriptionsByMutation.get(mutation) ?? []), field.name]);
    }
  }
  return { schema, authRules, subscriptionsByMutation };
}

/** With no directive on the field or its type, AppSync applies the default mode: the user pool, any group. */
const DEFAULT_RULE: AuthRule = { cognitoGroups: [], iam: false };

function ruleOf(
  schema: GraphQLSchema,
  element: GraphQLObjectType | GraphQLField<unknown, unknown>,
): AuthRule | undefined {
  const node = element.astNode;
  if (!node?.directives?.length) return undefined;
  const names = node.directives.map((d) => d.name.value);
  const cognito = names.includes('aws_cognito_user_pools') || names.includes('aws_auth');
  const iam = names.includes('aws_iam');
  if (!cognito && !iam) return undefined;
  let cognitoGroups: readonly string[] | undefined;
  if (cognito) {
    cognitoGroups =
      directiveArg<string[]>(schema.getDirective('aws_cognito_user_pools'), element, 'cognito_groups') ??
      directiveArg<string[]>(schema.getDirective('aws_auth'), element, 'cognito_groups') ??
      [];
  }
  return { iam, ...(cognitoGroups ? { cognitoGroups } : {}) };
}

function directiveArg<T>(
  directive: GraphQLDirective | null | undefined,
  element: GraphQLObjectType | GraphQLField<unknown, unknown>,
  arg: string,
): T | undefined {
  if (!directive || !element.astNode) return undefined;
  const values = getDirectiveValues(directive, element.astNode);
  return values?.[arg] as T | undefined;
}
