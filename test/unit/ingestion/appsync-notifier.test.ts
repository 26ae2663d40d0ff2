import { describe, expect, it } from 'vitest';
import { AppSyncChangeNotifier, NOTIFY_MUTATION } from '../../../core/ingestion/appsync-notifier';

function setup(answer: { status: number; body: unknown }) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fakeFetch = (async (url: URL | string, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
  const notifier = new AppSyncChangeNotifier({
    url: 'https://abc.appsync-api.us-west-2.amazonaws.com/graphql',
    region: 'us-west-2',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    fetch: fakeFetch,
  });
  return { notifier, calls };
}

describe('AppSyncChangeNotifier', () => {
  it('posts the notifyDeviceConfigChanged mutation signed with SigV4 for appsync', async () => {
    const { notifier, calls } = setup({
      status: 200,
      body: { data: { notifyDeviceConfigChanged: { id: 'b1' } } },
    });
    await notifier.deviceChanged('b1');
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0]!;
    expect(url).toBe('https://abc.appsync-api.us-west-2.amazonaws.com/graphql');
    expect(JSON.parse(String(init.body))).toEqual({ query: NOTIFY_MUTATION, variables: { id: 'b1' } });
    const headers = init.headers as Record<string, string>;
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/appsync\/aws4_request/,
    );
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('throws on an HTTP error or GraphQL errors so the ack is retried', async () => {
    await expect(setup({ status: 403, body: {} }).notifier.deviceChanged('b1')).rejects.toThrow(/403/);
    await expect(
      setup({ status: 200, body: { errors: [{ message: 'Not Authorized' }] } }).notifier.deviceChanged('b1'),
    ).rejects.toThrow(/Not Authorized/);
  });
});
