import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoRejectedStore, RejectedMessageService, toRejectedMessage } from '../../../core/rejected';
import { documentClientOf } from '../../../resolvers/api/deps';
import { useDynamo } from '../../../testkit/embedded';
import { devicesOf, fakePipeline } from '../../../testkit/fake-pipeline';
import { NOW, device, message } from '../../../testkit/telemetry-fixtures';

const dynamo = useDynamo();
let tableCounter = 0;

function setup() {
  const store = new DynamoRejectedStore({
    client: documentClientOf(dynamo.client),
    tableName: dynamo.tableName,
  });
  const { pipeline, devices, telemetry } = fakePipeline({ devices: devicesOf() });
  let now = NOW;
  const service = new RejectedMessageService({ store, pipeline, clock: () => new Date((now += 1000)) });
  return { store, service, devices, telemetry };
}

/** Each test uses its own device ids so lists do not see other tests' items. */
let prefix = '';
beforeEach(() => {
  prefix = `t${++tableCounter}`;
});

async function keepRejected(
  service: RejectedMessageService,
  deviceId: string,
  at: number,
  payload: unknown = { readings: { ph: 1 } },
) {
  const m = message(`devices/${deviceId}/readings`, payload, at);
  const outcome = {
    status: 'rejected' as const,
    message: m,
    deviceId,
    reason: `unknown device "${deviceId}"`,
    partial: false,
  };
  await service.keep([outcome]);
  return toRejectedMessage(m, deviceId, outcome.reason);
}

describe('rejected messages on DynamoDB', () => {
  it('lists one device newest first, page by page, with Query', async () => {
    const { service } = setup();
    const d = `${prefix}-b1`;
    for (let i = 0; i < 5; i++) await keepRejected(service, d, NOW - 60_000 * (5 - i));
    await keepRejected(service, `${prefix}-other`, NOW);
    const first = await service.list({ deviceId: d, limit: 3 });
    expect(first.items.map((m) => m.receivedAt)).toEqual(
      [1, 2, 3].map((k) => new Date(NOW - 60_000 * k).toISOString()),
    );
    const second = await service.list({ deviceId: d, limit: 3, nextToken: first.nextToken });
    expect(second.items.map((m) => m.receivedAt)).toEqual(
      [4, 5].map((k) => new Date(NOW - 60_000 * k).toISOString()),
    );
    expect(second.items.every((m) => m.deviceId === d)).toBe(true);
  });

  it('lists all devices newest first', async () => {
    const { service } = setup();
    const a = await keepRejected(service, `${prefix}-a`, NOW + 10_000_000);
    const b = await keepRejected(service, `${prefix}-b`, NOW + 10_000_001);
    const page = await service.list({ limit: 2 });
    expect(page.items.map((m) => m.id)).toEqual([b.id, a.id]);
  });

  it('stores a binary payload as base64 and replays the same bytes', async () => {
    const { service } = setup();
    const bytes = new Uint8Array([0xff, 0x00, 0x10]);
    const m = message(`devices/${prefix}-bin/readings`, bytes);
    await service.keep([
      { status: 'rejected', message: m, deviceId: `${prefix}-bin`, reason: 'binary payload', partial: false },
    ]);
    const kept = toRejectedMessage(m, `${prefix}-bin`, 'binary payload');
    const stored = await service.get(kept.id);
    expect(stored).toMatchObject({ payload: '/wAQ', payloadEncoding: 'base64' });
    const result = await service.replay(kept.id);
    expect(result).toMatchObject({ accepted: false, reason: 'binary payload: not UTF-8 text' });
  });

  it('counts a replay rejected again and keeps the new reason', async () => {
    const { service } = setup();
    const kept = await keepRejected(service, `${prefix}-ghost`, NOW - 1000);
    await service.replay(kept.id);
    const result = await service.replay(kept.id);
    expect(result).toMatchObject({
      accepted: false,
      reason: `unknown device "${prefix}-ghost"`,
      message: { id: kept.id, replayCount: 2, lastReplayedAt: new Date(NOW + 2000).toISOString() },
    });
  });

  it('deletes the message when a replay is accepted, after the cause is fixed', async () => {
    const { service, devices, telemetry } = setup();
    const id = `${prefix}-late`;
    const kept = await keepRejected(service, id, NOW - 1000);
    devices.devices.set(id, device(id));
    const result = await service.replay(kept.id);
    expect(result).toMatchObject({ accepted: true, reason: null, message: { id: kept.id } });
    expect(telemetry.written).toHaveLength(1);
    await expect(service.get(kept.id)).rejects.toMatchObject({ errorType: 'NotFound' });
  });

  it('keeps one item for the same message kept twice', async () => {
    const { service } = setup();
    const d = `${prefix}-dup`;
    await keepRejected(service, d, NOW);
    await keepRejected(service, d, NOW);
    expect((await service.list({ deviceId: d })).items).toHaveLength(1);
  });

  it('answers NotFound for an id it does not hold', async () => {
    const { service } = setup();
    await expect(service.replay('nope')).rejects.toMatchObject({ errorType: 'NotFound' });
  });
});
