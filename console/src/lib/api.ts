import { generateClient } from 'aws-amplify/api';
import { ALL_CAPABILITIES, capabilitiesFrom, type Capabilities } from '../graphql/capabilities';
import {
  CAPABILITIES_QUERY,
  DOCUMENT_NEEDS,
  documents,
  type DocumentName,
  type Documents,
} from '../graphql/documents';
import { ApiError, toApiError } from './errors';

/** The one GraphQL client of the console, through Amplify (auth mode: the user pool's tokens). */
export interface Api {
  readonly capabilities: Capabilities;
  /** Runs a query or mutation; throws ApiError. */
  request<T>(name: DocumentName, variables?: Record<string, unknown>): Promise<T>;
  /** Subscribes; returns the unsubscribe function. */
  subscribe<T>(
    name: DocumentName,
    variables: Record<string, unknown>,
    onData: (value: T) => void,
    onError: (err: ApiError) => void,
  ): () => void;
}

/** The part of Amplify's client the console uses (its full generic type is too deep for tsc). */
export interface GraphQLClient {
  graphql(options: { query: string; variables?: Record<string, unknown> }): unknown;
}
type Client = GraphQLClient;
interface Observable {
  subscribe(observer: { next: (value: { data?: unknown }) => void; error: (err: unknown) => void }): {
    unsubscribe(): void;
  };
}

/** Builds the client and learns which optional contract parts the API serves. */
export async function createApi(
  client: Client = generateClient() as unknown as Client,
  cacheKey?: string,
): Promise<Api> {
  // Asked once per browser session and API: a reload of a page does not wait for it again.
  const cached = cacheKey ? readCached(cacheKey) : undefined;
  if (cached) return apiFor(client, cached);
  let capabilities = ALL_CAPABILITIES;
  try {
    const result = await (client.graphql({ query: CAPABILITIES_QUERY }) as Promise<{ data?: unknown }>);
    capabilities = capabilitiesFrom(result.data as Parameters<typeof capabilitiesFrom>[0]);
    if (cacheKey) sessionStorage.setItem(`yvr-capabilities:${cacheKey}`, JSON.stringify(capabilities));
  } catch {
    // Introspection refused: assume the whole contract.
  }
  return apiFor(client, capabilities);
}

function readCached(key: string): Capabilities | undefined {
  try {
    const text = sessionStorage.getItem(`yvr-capabilities:${key}`);
    return text ? (JSON.parse(text) as Capabilities) : undefined;
  } catch {
    return undefined;
  }
}

/** The client with known capabilities (tests pass their own client). */
export function apiFor(client: Client, capabilities: Capabilities): Api {
  const docs: Documents = documents(capabilities);
  const check = (name: DocumentName) => {
    const need = DOCUMENT_NEEDS[name];
    if (need && !capabilities[need])
      throw new ApiError(
        `This API does not serve ${name} yet (the server is older than the console).`,
        'NotAvailable',
      );
  };
  return {
    capabilities,
    async request<T>(name: DocumentName, variables: Record<string, unknown> = {}) {
      check(name);
      try {
        const result = await (client.graphql({ query: docs[name], variables }) as Promise<{
          data?: Record<string, unknown>;
          errors?: unknown[];
        }>);
        if (result.errors?.length) throw result;
        return Object.values(result.data ?? {})[0] as T;
      } catch (err) {
        throw toApiError(err);
      }
    },
    subscribe<T>(
      name: DocumentName,
      variables: Record<string, unknown>,
      onData: (value: T) => void,
      onError: (err: ApiError) => void,
    ) {
      check(name);
      const observable = client.graphql({ query: docs[name], variables }) as Observable;
      const sub = observable.subscribe({
        next: (value) => {
          const data = value.data as Record<string, unknown> | undefined;
          const payload = data ? Object.values(data)[0] : undefined;
          if (payload) onData(payload as T);
        },
        error: (err) => onError(toApiError(err)),
      });
      return () => sub.unsubscribe();
    },
  };
}
