import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import type { ConfigMessage, ConfigPublisher } from '../../core/devices';
import type { TelemetryStore } from '../../core/telemetry';
import type { RecordFailure, TelemetryRecord, WriteResult } from '../../core/telemetry/types';

/** One request as the fault rule sees it: the operation and the serialized body. */
export interface WireRequest {
  /** `GetItem`, `AdminAddUserToGroup`, ... (from `X-Amz-Target`), or the HTTP path for REST services. */
  operation: string;
  body: string;
  /** 1 for the first request the client sent since the injector was attached (retries count). */
  call: number;
}

/** An error answer as the service would send it: status and exception type. */
export interface WireFault {
  status: number;
  type: string;
  message?: string;
}

export const THROTTLED = (type = 'ThrottlingException'): WireFault => ({
  status: 400,
  type,
  message: 'Rate exceeded',
});
export const SERVER_ERROR = (type = 'InternalServerError'): WireFault => ({
  status: 500,
  type,
  message: 'We encountered an internal error. Please try again.',
});

/** A client whose middleware stack can take one more step (every AWS SDK v3 client). */
interface ClientWithStack {
  middlewareStack: {
    add(
      middleware: unknown,
      options: { step: 'deserialize'; name: string; priority?: 'low'; override?: boolean },
    ): void;
    remove(name: string): boolean;
  };
}

let injectors = 0;

const bodyText = (body: unknown): string =>
  typeof body === 'string'
    ? body
    : body instanceof Uint8Array
      ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
      : '';

/** Which requests fail, and how: a fault for the ones to fail, undefined for the others. */
export type FaultRule = (request: WireRequest) => WireFault | undefined;

/** Lets every request through. */
export const NO_FAULT: FaultRule = () => undefined;

/** Fails every request with `fault` (an outage). */
export const always =
  (fault: WireFault): FaultRule =>
  () =>
    fault;

/** Fails the requests of `operation` (whose body includes `bodyIncludes`, when given) with `fault`. */
export const faultOn =
  (operation: string, fault: WireFault, bodyIncludes?: string): FaultRule =>
  (request) =>
    request.operation === operation && (bodyIncludes === undefined || request.body.includes(bodyIncludes))
      ? fault
      : undefined;

/**
 * Injects service faults into a real SDK client: for each request the rule
 * picks, the request never leaves the process and the client gets an HTTP
 * error answer shaped as the service sends it (status, `x-amzn-ErrorType`,
 * a JSON body). It sits inside the SDK's retry loop and deserializer, so the
 * SDK retries and parses the fault exactly as it would a real one, and the
 * adapter sees the typed exception (`ThrottlingException`, `InternalServerError`).
 * Requests the rule lets through reach the embedded service untouched. The
 * rule starts as `rule` and is swapped with `fail` and `heal` as a test goes;
 * requests outside `only` are never failed.
 */
export function injectFaults(
  client: ClientWithStack,
  rule: FaultRule = NO_FAULT,
  only: (request: WireRequest) => boolean = () => true,
) {
  const name = `testFaultInjector${++injectors}`;
  const state = { calls: 0, injected: [] as WireRequest[], rule };
  client.middlewareStack.add(
    (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      const request = args.request as HttpRequest;
      state.calls++;
      const target = request.headers?.['x-amz-target'] ?? request.headers?.['X-Amz-Target'];
      const wire: WireRequest = {
        operation: target ? target.slice(target.indexOf('.') + 1) : `${request.method} ${request.path}`,
        body: bodyText(request.body),
        call: state.calls,
      };
      const fault = only(wire) ? state.rule(wire) : undefined;
      if (!fault) return next(args);
      state.injected.push(wire);
      const message = fault.message ?? fault.type;
      return {
        response: new HttpResponse({
          statusCode: fault.status,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amzn-errortype': fault.type,
            'x-amzn-requestid': `fault-${state.calls}`,
          },
          body: Buffer.from(JSON.stringify({ __type: fault.type, message, Message: message })),
        }),
      };
    },
    { step: 'deserialize', name, priority: 'low' },
  );
  return {
    /** Requests answered with a fault, in order. */
    get injected(): WireRequest[] {
      return [...state.injected];
    },
    /** Requests seen, faulted or not. */
    get calls(): number {
      return state.calls;
    },
    /** Fails the requests `rule` picks from now on (an outage begins, or changes). */
    fail(next: FaultRule): void {
      state.rule = next;
    },
    /** Lets every request through from now on (the outage is over). */
    heal(): void {
      state.rule = NO_FAULT;
    },
    /** Removes the injector from the client. */
    remove(): void {
      client.middlewareStack.remove(name);
    },
  };
}

export type FaultInjector = ReturnType<typeof injectFaults>;

/**
 * A telemetry store that fails some of its writes the way a throttled store
 * does (per record, retryable, as the port promises) and passes the others
 * to a real store. `decide` sees the write call number (1-based) and each
 * record; a reason means that record is not stored this time.
 */
export class FlakyTelemetryStore implements Pick<TelemetryStore, 'write' | 'oldestWritable'> {
  calls = 0;
  /** Records refused so far (each refusal counts). */
  refused = 0;

  constructor(
    private readonly inner: Pick<TelemetryStore, 'write' | 'oldestWritable'>,
    private readonly decide: (call: number, record: TelemetryRecord, index: number) => string | undefined,
  ) {}

  oldestWritable(now: number): number {
    return this.inner.oldestWritable(now);
  }

  async write(records: readonly TelemetryRecord[]): Promise<WriteResult> {
    const call = ++this.calls;
    const failures: RecordFailure[] = [];
    const passed: number[] = [];
    records.forEach((record, index) => {
      const reason = this.decide(call, record, index);
      if (reason === undefined) passed.push(index);
      else failures.push({ index, reason, retryable: true });
    });
    this.refused += failures.length;
    if (passed.length > 0) {
      const result = await this.inner.write(passed.map((i) => records[i]!));
      for (const f of result.failures) failures.push({ ...f, index: passed[f.index]! });
    }
    return { failures: failures.sort((a, b) => a.index - b.index) };
  }
}

/**
 * A publisher in front of a real one that fails on the calls `failOn` picks,
 * the way a dropped connection to the broker does.
 */
export class FlakyPublisher implements ConfigPublisher {
  calls = 0;

  constructor(
    private readonly inner: ConfigPublisher,
    private readonly failOn: (call: number, messages: ConfigMessage[]) => boolean = () => false,
  ) {}

  async publish(messages: ConfigMessage[]): Promise<void> {
    const call = ++this.calls;
    if (this.failOn(call, messages)) {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8443'), { code: 'ECONNREFUSED' });
    }
    await this.inner.publish(messages);
  }
}

/** What an API answer may say to a person: no stack frame, no exception or class name, no service name. */
export const LEAKS =
  /\n\s+at |Exception\b|Error:|TypeError|Dynamo|Cognito|Timestream|DuckDB|IoT|ECONN|\.ts\b|node_modules|x-amzn/i;
