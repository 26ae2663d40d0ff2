import {
  GraphQLError,
  Kind,
  defaultFieldResolver,
  execute,
  getNamedType,
  getOperationAST,
  isObjectType,
  parse,
  print,
  subscribe,
  validate,
  type ExecutionArgs,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { isErrorEnvelope, GENERIC_ERROR_MESSAGE } from '../../core/shared/errors';
import { fullSelectionSet } from '../../core/shared/graphql-selection';
import { allows, LOCAL_BACKEND_IDENTITY, type Identity } from './auth';
import { checkLimits, DEFAULT_LIMITS, type QueryLimits } from './limits';
import type { LocalSchema } from './schema';
import { SubscriptionHub } from './subscription-hub';

/** An AppSync direct Lambda resolver event, as the API handler receives it. */
export interface AppSyncEvent {
  arguments: Record<string, unknown>;
  identity: Identity;
  source: Record<string, unknown> | null;
  request: { headers: Record<string, string>; domainName: string | null };
  prev: null;
  info: {
    fieldName: string;
    parentTypeName: string;
    selectionSetList: string[];
    selectionSetGraphQL: string;
    variables: Record<string, unknown>;
  };
  stash: Record<string, unknown>;
}

/** The API handler seen from the server: an event in, a field's value (or an `__error` envelope) out. */
export type ApiInvoker = (event: AppSyncEvent) => Promise<unknown>;

/** What every resolver gets: the verified caller and the request's headers. */
export interface RequestContext {
  identity: Identity;
  headers: Record<string, string>;
}

/** A GraphQL error in AppSync's shape: top-level errorType, errorInfo and data. */
export interface AppSyncGraphQLError {
  message: string;
  errorType: string;
  path?: readonly (string | number)[] | null;
  locations?: readonly { line: number; column: number }[] | null;
  data: null;
  errorInfo: null;
}

export interface AppSyncResult {
  data?: unknown;
  errors?: AppSyncGraphQLError[];
}

/** A field failure with the errorType AppSync would report. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

export interface EngineOptions {
  localSchema: LocalSchema;
  invoker: ApiInvoker;
  limits?: QueryLimits;
  /**
   * Subscription argument -> payload field, per subscription field. AppSync's
   * basic filtering matches an argument with the same-named field of the
   * mutation result; our resolver filters `deviceId` on the Device's `id`.
   */
  filterFields?: Record<string, Record<string, string>>;
  /** Called with the whole error when the API handler throws (the caller sees a generic message). */
  onHandlerError?: (err: unknown, event: AppSyncEvent) => void;
  /**
   * Called once per mutation and subscription pair when a subscriber asks for
   * fields the triggering mutation did not select. AppSync sends subscribers
   * only the mutation's selection (the other fields arrive null); the local
   * server sends them all, so this warning is how the difference shows.
   */
  onSubscriptionGap?: (message: string) => void;
}

export const DEFAULT_FILTER_FIELDS: Record<string, Record<string, string>> = {
  onDeviceConfigChanged: { deviceId: 'id' },
  onAlertChanged: { deviceId: 'deviceId' },
};

/** A parsed operation, checked once and reused while its text stays in the cache. */
interface Prepared {
  document: DocumentNode;
  operationType: 'query' | 'mutation' | 'subscription';
}

/**
 * The local AppSync: executes operations against the schema, calls the API
 * handler for every root field with an AppSync-shaped event, enforces the
 * auth directives on every field, and publishes mutation results to the
 * subscriptions that `@aws_subscribe` to them.
 */
export class Engine {
  readonly hub = new SubscriptionHub();
  private readonly cache = new Map<string, Prepared | GraphQLError[]>();
  private readonly limits: QueryLimits;
  private readonly filterFields: Record<string, Record<string, string>>;
  /** The selection of the mutation that produced each published payload (for onSubscriptionGap). */
  private readonly selections = new WeakMap<object, { mutation: string; fields: Set<string> }>();
  private readonly gapsReported = new Set<string>();

  constructor(private readonly options: EngineOptions) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.filterFields = options.filterFields ?? DEFAULT_FILTER_FIELDS;
    this.wire();
  }

  get schema() {
    return this.options.localSchema.schema;
  }

  /** Parses, validates and limit-checks a document, caching by its text. */
  prepare(query: string, operationName?: string | null): Prepared | GraphQLError[] {
    const key = `${operationName ?? ''}\n${query}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    let result: Prepared | GraphQLError[];
    try {
      const document = parse(query, { maxTokens: 10_000 });
      const errors = [...validate(this.schema, document), ...checkLimits(document, this.limits)];
      const operation = errors.length ? null : getOperationAST(document, operationName);
      if (errors.length) result = errors;
      else if (!operation)
        result = [
          new GraphQLError(
            operationName
              ? `No operation named ${operationName} in the document.`
              : 'The document must name the operation to run (operationName) when it has several.',
          ),
        ];
      else result = { document, operationType: operation.operation };
    } catch (err) {
      // Anything else is graphql-js failing on the document itself, typically a RangeError (stack
      // overflow) on values nested thousands deep: its name and message are ours, not the caller's.
      result = [
        err instanceof GraphQLError
          ? err
          : new GraphQLError(
              err instanceof RangeError
                ? 'The document nests values too deeply to be read. Nest fewer levels of lists or objects.'
                : 'The document could not be read. Check its syntax.',
            ),
      ];
    }
    // A small bound: clients send a few dozen distinct documents; attackers send unique ones.
    if (this.cache.size >= 1000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, result);
    return result;
  }

  /** Runs a query or mutation; subscriptions must use `subscribe`. */
  async execute(request: GraphQLRequest, context: RequestContext): Promise<AppSyncResult> {
    const args = this.#argsFor(request, context, {
      subscription: false,
      refusal:
        'Subscriptions are served over WebSocket: connect to the RealtimeUrl (AppSync protocol) or the GraphQL URL with graphql-ws.',
    });
    if (!('document' in args)) return args;
    return formatResult(await execute(args));
  }

  /** Starts a subscription: an async iterator of AppSync-shaped results, or the errors that refused it. */
  async subscribe(
    request: GraphQLRequest,
    context: RequestContext,
  ): Promise<AsyncIterableIterator<AppSyncResult> | AppSyncResult> {
    const args = this.#argsFor(request, context, {
      subscription: true,
      refusal: 'Only subscriptions are accepted here; send queries and mutations over HTTP.',
    });
    if (!('document' in args)) return args;
    const result = await subscribe(args);
    if (!(Symbol.asyncIterator in result)) return formatResult(result);
    const iterator = result;
    const schema = this.schema;
    const wrapped: AsyncIterableIterator<AppSyncResult> = {
      async next() {
        const next = await iterator.next();
        return next.done ? next : { value: formatSubscriptionEvent(schema, next.value), done: false };
      },
      async return() {
        await iterator.return?.();
        return { value: undefined, done: true };
      },
      async throw(err?: unknown) {
        await iterator.return?.();
        throw err;
      },
      [Symbol.asyncIterator]: () => wrapped,
    };
    return wrapped;
  }

  /**
   * What graphql-js runs a request with, or the errors that refuse it: a
   * document that does not parse or validate, or an operation of the other
   * kind (`refusal` says where to send it).
   */
  #argsFor(
    request: GraphQLRequest,
    context: RequestContext,
    expected: { subscription: boolean; refusal: string },
  ): ExecutionArgs | AppSyncResult {
    const prepared = this.prepare(request.query, request.operationName);
    if (Array.isArray(prepared)) return { errors: prepared.map((e) => formatError(e, 'ValidationError')) };
    if ((prepared.operationType === 'subscription') !== expected.subscription) {
      return { errors: [appSyncError(expected.refusal, 'ValidationError')] };
    }
    return {
      schema: this.schema,
      document: prepared.document,
      variableValues: request.variables ?? {},
      operationName: request.operationName ?? undefined,
      contextValue: context,
    };
  }

  /**
   * Calls an `@aws_iam` mutation as the backend (the processor does this in
   * AWS with SigV4), asking for every field so subscribers get the whole
   * object; subscriptions fire as for any mutation.
   */
  async callAsBackend(mutation: string, args: Record<string, unknown>): Promise<AppSyncResult> {
    const field = this.schema.getMutationType()?.getFields()[mutation];
    if (!field) throw new Error(`The schema has no mutation ${mutation}`);
    const params = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
    const passed = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    // The same generator as the AWS notifier's mutation (core/ingestion/appsync-notifier.ts).
    const named = getNamedType(field.type);
    const selection = isObjectType(named) ? ` ${fullSelectionSet(this.schema, named.name)}` : '';
    const query = `mutation Backend${params ? `(${params})` : ''} { ${mutation}${passed ? `(${passed})` : ''}${selection} }`;
    return this.execute({ query, variables: args }, { identity: LOCAL_BACKEND_IDENTITY, headers: {} });
  }

  /** Attaches resolvers: root fields call the API, every field checks auth, subscriptions read the hub. */
  private wire() {
    const { schema, authRules, subscriptionsByMutation } = this.options.localSchema;
    const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
    const subscriptionType = schema.getSubscriptionType();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const rule = authRules.get(`${type.name}.${field.name}`);
        const denied = `Not Authorized to access ${field.name} on type ${type.name}`;
        let inner: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
        if (roots.has(type.name))
          inner = this.rootResolver(type, subscriptionsByMutation.get(field.name) ?? []);
        if (type === subscriptionType) {
          inner = (payload, _args, _context, info) => {
            this.checkGap(payload, info);
            return payload;
          };
          const filters = this.filterFields[field.name] ?? {};
          field.subscribe = (_source, args: Record<string, unknown>, context: RequestContext) => {
            if (!allows(rule, context.identity)) throw new FieldError('Unauthorized', denied);
            const wanted = Object.entries(args).filter(([, v]) => v !== null && v !== undefined);
            const matches = (payload: unknown) =>
              wanted.every(
                ([arg, value]) =>
                  (payload as Record<string, unknown> | null)?.[filters[arg] ?? arg] === value,
              );
            return this.hub.subscribe(field.name, matches);
          };
        }
        const resolve = inner;
        field.resolve = (source, args, context: RequestContext, info) => {
          if (!allows(rule, context.identity)) throw new FieldError('Unauthorized', denied);
          return resolve(source, args, context, info);
        };
      }
    }
  }

  private checkGap(payload: unknown, info: GraphQLResolveInfo) {
    if (!this.options.onSubscriptionGap || typeof payload !== 'object' || payload === null) return;
    const selected = this.selections.get(payload);
    if (!selected) return;
    const missing = selectionSetList(info).filter((f) => !selected.fields.has(f));
    const key = `${selected.mutation}\n${info.fieldName}\n${missing.join(',')}`;
    if (!missing.length || this.gapsReported.has(key)) return;
    this.gapsReported.add(key);
    this.options.onSubscriptionGap(
      `${info.fieldName} asks for ${missing.join(', ')}, which the ${selected.mutation} mutation that triggered it did not select: in AWS AppSync these arrive as null. Select them in the mutation too.`,
    );
  }

  private rootResolver(
    type: GraphQLObjectType,
    subscriptions: string[],
  ): GraphQLFieldResolver<unknown, RequestContext> {
    return async (_source, args: Record<string, unknown>, context, info) => {
      const event: AppSyncEvent = {
        arguments: args,
        identity: context.identity,
        source: null,
        request: { headers: context.headers, domainName: null },
        prev: null,
        info: {
          fieldName: info.fieldName,
          parentTypeName: type.name,
          selectionSetList: selectionSetList(info),
          selectionSetGraphQL: info.fieldNodes[0]?.selectionSet ? print(info.fieldNodes[0].selectionSet) : '',
          variables: info.variableValues,
        },
        stash: {},
      };
      let result: unknown;
      try {
        result = await this.options.invoker(event);
      } catch (err) {
        this.options.onHandlerError?.(err, event);
        throw new FieldError('Lambda:Unhandled', GENERIC_ERROR_MESSAGE);
      }
      if (isErrorEnvelope(result)) throw new FieldError(result.__error.errorType, result.__error.message);
      // AppSync triggers subscriptions only for a mutation that returned data without error, and
      // sends them only what the mutation selected: a subscriber asking for more gets nulls, and an
      // error for each non-null one (see subscriptionNullError). The hub gets exactly that.
      if (subscriptions.length > 0) {
        const delivered = projectOnSelection(result, selectionTree(info));
        if (delivered !== null && typeof delivered === 'object')
          this.selections.set(delivered, {
            mutation: info.fieldName,
            fields: new Set(event.info.selectionSetList),
          });
        for (const field of subscriptions) this.hub.publish(field, delivered);
      }
      return result;
    };
  }
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** AppSync's `selectionSetList`: field paths under the resolved field, `/`-separated, fragments inlined. */
export function selectionSetList(info: GraphQLResolveInfo): string[] {
  const out: string[] = [];
  const walk = (set: SelectionSetNode | undefined, prefix: string, seen: Set<string>) => {
    if (!set) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value === '__typename') continue;
        const path = prefix + sel.name.value;
        if (!out.includes(path)) out.push(path);
        walk(sel.selectionSet, `${path}/`, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, prefix, seen);
      } else if (!seen.has(sel.name.value)) {
        walk(info.fragments[sel.name.value]?.selectionSet, prefix, new Set(seen).add(sel.name.value));
      }
    }
  };
  for (const node of info.fieldNodes as readonly FieldNode[]) walk(node.selectionSet, '', new Set());
  return out;
}

/** Field name -> the fields selected under it (null for a leaf), fragments inlined, aliases ignored. */
type SelectionTree = Map<string, SelectionTree | null>;

/** The mutation field's selection as a tree, merging repeated fields as graphql-js does. */
function selectionTree(info: GraphQLResolveInfo): SelectionTree {
  const tree: SelectionTree = new Map();
  const walk = (set: SelectionSetNode | undefined, into: SelectionTree, seen: ReadonlySet<string>) => {
    if (!set) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (name === '__typename') continue;
        if (!sel.selectionSet) {
          if (!into.has(name)) into.set(name, null);
          continue;
        }
        const child = into.get(name) ?? new Map();
        into.set(name, child);
        walk(sel.selectionSet, child, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, into, seen);
      } else if (!seen.has(sel.name.value)) {
        walk(info.fragments[sel.name.value]?.selectionSet, into, new Set(seen).add(sel.name.value));
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, tree, new Set());
  return tree;
}

/** The parts of a mutation's result that its selection names: what AppSync hands the subscribers. */
export function projectOnSelection(value: unknown, tree: SelectionTree): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => projectOnSelection(item, tree));
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, child] of tree) {
    if (!(name in source)) continue;
    out[name] = child ? projectOnSelection(source[name], child) : source[name];
  }
  return out;
}

const GRAPHQL_JS_NULL = /^Cannot return null for non-nullable field (\w+)\.(\w+)\.$/;

/**
 * AppSync's words for a non-null field a subscriber asked for and the
 * mutation did not select: `Cannot return null for non-nullable type:
 * 'String' within parent 'Device' (/onDeviceConfigChanged/name)`.
 */
function subscriptionNullError(schema: GraphQLSchema, error: GraphQLError): AppSyncGraphQLError | undefined {
  const match = GRAPHQL_JS_NULL.exec(error.message);
  if (!match) return undefined;
  const [, parent, fieldName] = match;
  const parentType = schema.getType(parent!);
  const field = isObjectType(parentType) ? parentType.getFields()[fieldName!] : undefined;
  if (!field) return undefined;
  const typeName = getNamedType(field.type).name;
  const path = (error.path ?? []).reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : `${text}/${segment}`),
    '',
  );
  return {
    ...appSyncError(
      `Cannot return null for non-nullable type: '${typeName}' within parent '${parent}' (${path})`,
      'ExecutionError',
      error,
    ),
  };
}

/** A subscription event in AppSync's shape, its null errors worded as AppSync words them. */
export function formatSubscriptionEvent(schema: GraphQLSchema, result: ExecutionResult): AppSyncResult {
  const out = formatResult(result);
  if (result.errors?.length && out.errors)
    out.errors = result.errors.map((e, i) => subscriptionNullError(schema, e) ?? out.errors![i]!);
  return out;
}

export function appSyncError(message: string, errorType: string, error?: GraphQLError): AppSyncGraphQLError {
  return {
    path: error?.path ?? null,
    data: null,
    errorType,
    errorInfo: null,
    locations: error?.locations ?? null,
    message,
  };
}

/** Maps a graphql-js error to AppSync's shape; unknown failures get the generic message, never internals. */
export function formatError(error: GraphQLError, fallbackType = 'InternalError'): AppSyncGraphQLError {
  const original = error.originalError;
  if (original instanceof FieldError) return appSyncError(original.message, original.errorType, error);
  if (!original || original instanceof GraphQLError)
    return appSyncError(error.message, original ? 'ValidationError' : fallbackType, error);
  return appSyncError(GENERIC_ERROR_MESSAGE, 'InternalError', error);
}

export function formatResult(result: ExecutionResult): AppSyncResult {
  const out: AppSyncResult = {};
  if ('data' in result) out.data = result.data ?? null;
  if (result.errors?.length) out.errors = result.errors.map((e) => formatError(e, 'ExecutionError'));
  return out;
}
