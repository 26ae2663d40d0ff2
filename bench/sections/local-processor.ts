import { batchesOf, benchPipeline, timeSideBySide, type BenchSection } from '../lib';
import type { InboundMessage, MessageOutcome } from '../../core/ingestion';
import { lambdaBatchRunner } from '../../local/processor/local-processor';
import { DeviceCache } from '../../processors/calibration/device-cache';
import * as fixtures from '../../testkit/telemetry-fixtures';

const { NOW } = fixtures;

// Issue 11 item 3: what running the calibration Lambda's SQS batch handler locally costs
// (IoT-rule envelope encoded, decoded by decode.ts, Powertools' partial batch response),
// against handing the same batches to the pipeline directly, as the local processor did before.

const DEVICES = 20;
const MESSAGES = 20_000;
const BATCH = 100;
const ROUNDS = 5;

export default async function localProcessor(): Promise<BenchSection> {
  const devices = new fixtures.FakeDevices(
    new Map(Array.from({ length: DEVICES }, (_, i) => [`b${i}`, fixtures.device(`b${i}`)])),
  );
  const pipeline = benchPipeline({
    devices: new DeviceCache({ source: devices, clock: () => NOW }),
    telemetry: new fixtures.MemoryTelemetry(),
    acks: new fixtures.FakeAcks(devices),
    clock: () => NOW,
  });
  const keepNothing = { keep: async () => new Set<MessageOutcome>() };
  const run = lambdaBatchRunner({ pipeline, rejected: keepNothing });
  const items = Array.from({ length: MESSAGES }, (_, i) => ({
    seq: i,
    message: fixtures.tenSensorMessage(`b${i % DEVICES}`, NOW - 60_000 + i, i) as InboundMessage,
  }));
  const batches = batchesOf(items, BATCH);
  await run(batches[0]!); // warm the cache and the JIT

  let direct = 0;
  let handler = 0;
  let accepted = 0;
  for (let r = 0; r < ROUNDS; r++) {
    // Alternating batch by batch, so a noisy neighbour slows both alike; the best round counts.
    const [directMs, handlerMs] = await timeSideBySide(batches, [
      (batch) => pipeline.process(batch.map((b) => b.message)),
      async (batch) => {
        const { retry, outcomes } = await run(batch);
        if (r === 0) accepted += outcomes.filter((o) => o?.status === 'accepted').length - retry.length;
      },
    ]);
    direct = Math.max(direct, MESSAGES / (directMs! / 1000));
    handler = Math.max(handler, MESSAGES / (handlerMs! / 1000));
  }
  return {
    title: "Local processor: the Lambda's SQS batch handler in the local mode",
    figures: [
      { name: 'pipeline called directly (the old local path)', value: direct, unit: 'msg/s' },
      {
        name: "through the Lambda's batch handler (envelope, decode, Powertools)",
        value: handler,
        unit: 'msg/s',
        reference: { name: 'direct', value: direct },
      },
      { name: 'accepted through the handler (of 20,000)', value: accepted, unit: 'messages' },
    ],
    notes: [
      `${MESSAGES} ten-sensor messages of ${DEVICES} devices in batches of ${BATCH}, fake stores; best of ${ROUNDS} rounds.`,
    ],
  };
}
