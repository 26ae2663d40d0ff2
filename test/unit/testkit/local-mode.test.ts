import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LocalOutputs } from '../../../local/start-local';
import {
  GraphQLCallError,
  createDevice,
  gqlData,
  linearSensor,
  processedSince,
  rejectedMessages,
  waitForRejected,
} from '../../../testkit/local-mode';
import { WaitTimeoutError } from '../../../testkit/wait-for';

// The helpers' own logic, against a stubbed fetch (unit tests make no network calls); the e2e
// tests run them against the real local mode.

const outputs = { GraphQLUrl: 'http://local.test/graphql' } as LocalOutputs;
const stats = { received: 5, accepted: 3, rejected: 1, deadLettered: 1, waiting: 0, retried: 0, batches: 2 };

/** Answers each GraphQL POST with the next of `bodies`, and keeps the requests. */
function answer(...bodies: unknown[]) {
  const requests: { query: string; variables: Record<string, unknown>; authorization?: string }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      requests.push({
        ...(JSON.parse(init.body as string) as { query: string; variables: Record<string, unknown> }),
        authorization: headers.authorization,
      });
      const body = bodies[Math.min(requests.length - 1, bodies.length - 1)];
      return new Response(JSON.stringify(body), { status: 200 });
    }),
  );
  return requests;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('linearSensor', () => {
  it('builds a two-point calibration from raw 0 -> 0 with the other fields kept', () => {
    expect(linearSensor('ph', 'ph', 1000, 14, { unit: 'pH', min: 6 })).toEqual({
      id: 'ph',
      measurement: 'ph',
      unit: 'pH',
      min: 6,
      calibration: {
        points: [
          { raw: 0, actual: 0 },
          { raw: 1000, actual: 14 },
        ],
      },
    });
  });
});

describe('processedSince', () => {
  it.each([
    ['more received and every one finished', stats, { received: 4 }, true],
    ['nothing received since', stats, { received: 5 }, false],
    ['one still waiting in a batch', { ...stats, waiting: 1 }, { received: 4 }, false],
    ['one received but not finished', { ...stats, received: 6 }, { received: 4 }, false],
  ])('is %s', (_name, now, since, expected) => {
    expect(processedSince(since, now)).toBe(expected);
  });
});

describe('gqlData', () => {
  it('answers the data of a call without errors', async () => {
    answer({ data: { me: { id: 'u1' } } });
    await expect(gqlData(outputs, 't', '{ me { id } }')).resolves.toEqual({ me: { id: 'u1' } });
  });

  it('throws a GraphQLCallError naming the errors', async () => {
    answer({ data: null, errors: [{ message: 'no', errorType: 'ValidationError' }] });
    const call = gqlData(outputs, 't', '{ me { id } }');
    await expect(call).rejects.toBeInstanceOf(GraphQLCallError);
    await expect(gqlData(outputs, 't', '{ me { id } }')).rejects.toThrow(/ValidationError/);
  });
});

describe('createDevice', () => {
  it('names the device by its id unless given a name, and selects what is asked', async () => {
    const requests = answer({ data: { createDevice: { id: 'd1', configVersion: 1 } } });
    await createDevice(outputs, 'tok', { id: 'd1' }, 'id configVersion');
    await createDevice(outputs, 'tok', { id: 'd1', name: 'North' });
    expect(requests[0]).toMatchObject({
      authorization: 'tok',
      variables: { input: { id: 'd1', name: 'd1' } },
    });
    expect(requests[0]!.query).toContain('{ id configVersion }');
    expect(requests[1]!.variables).toEqual({ input: { id: 'd1', name: 'North' } });
  });
});

describe('rejectedMessages', () => {
  it('follows nextToken until the last page', async () => {
    const requests = answer(
      { data: { rejectedMessages: { items: [{ id: 'a' }, { id: 'b' }], nextToken: 'p2' } } },
      { data: { rejectedMessages: { items: [{ id: 'c' }], nextToken: null } } },
    );
    const items = await rejectedMessages(outputs, 't', 'dev-1', 'id');
    expect(items.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(requests.map((r) => r.variables)).toEqual([
      { d: 'dev-1', t: null },
      { d: 'dev-1', t: 'p2' },
    ]);
  });

  it('asks for every device when given none', async () => {
    const requests = answer({ data: { rejectedMessages: { items: [], nextToken: null } } });
    await rejectedMessages(outputs, 't');
    expect(requests[0]!.variables).toEqual({ d: null, t: null });
  });
});

describe('waitForRejected', () => {
  it('waits until enough are kept', async () => {
    answer(
      { data: { rejectedMessages: { items: [{ id: 'a' }], nextToken: null } } },
      { data: { rejectedMessages: { items: [{ id: 'a' }, { id: 'b' }], nextToken: null } } },
    );
    const kept = await waitForRejected(outputs, 't', { atLeast: 2 });
    expect(kept).toHaveLength(2);
  });

  it('gives up with a WaitTimeoutError naming the device', async () => {
    answer({ data: { rejectedMessages: { items: [], nextToken: null } } });
    const wait = waitForRejected(outputs, 't', { deviceId: 'ghost', timeoutMs: 30 });
    await expect(wait).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(wait).rejects.toThrow(/ghost/);
  });
});
