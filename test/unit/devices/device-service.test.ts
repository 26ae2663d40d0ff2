import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { DeviceService, type DeviceRecord, type DeviceStore } from '../../../core/devices';
import { StaleDeviceError } from '../../../core/devices/errors';
import type { Device } from '../../../core/generated/graphql';
import { ConflictError } from '../../../core/shared/errors';
import { deviceFixture } from '../../helpers/device-fixtures';

const device = (over: Partial<Device> = {}): Device => deviceFixture({ configVersion: 4, ...over });

const record = (d: Device = device()): DeviceRecord => ({
  device: d,
  lastChange: null,
  retiredSensorIds: [],
  deletingAt: null,
  alertSlots: {},
});

/** A store whose every method fails unless the test gives it. */
const storeWith = (methods: Partial<DeviceStore>): DeviceStore =>
  new Proxy(methods as DeviceStore, {
    get: (target, prop: string) =>
      (target as unknown as Record<string, unknown>)[prop] ??
      (() => Promise.reject(new Error(`store.${prop} was not expected`))),
  });

const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const clock = () => new Date('2026-11-27T12:00:00.000Z');

describe('DeviceService writes', () => {
  it('retries a lost race without expectedVersion, then answers Conflict', async () => {
    const writeSettings = vi.fn(() => Promise.reject(new StaleDeviceError('b1', 4)));
    const service = new DeviceService({
      store: storeWith({ getRecord: async () => record(), writeSettings }),
      publisher: { publish: async () => undefined },
      logger: silent,
      maxWriteAttempts: 3,
    });
    const err = await service.updateDevice({ id: 'b1', name: 'New' }, 'ada').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain('try again');
    expect(writeSettings).toHaveBeenCalledTimes(3);
  });

  it('answers a lost race with expectedVersion at once, naming the version that won', async () => {
    const writeSettings = vi.fn(() => Promise.reject(new StaleDeviceError('b1', 4)));
    const service = new DeviceService({
      store: storeWith({
        getRecord: async () => record(),
        writeSettings,
        get: async () => device({ configVersion: 5 }),
      }),
      publisher: { publish: async () => undefined },
      logger: silent,
    });
    await expect(service.updateDevice({ id: 'b1', expectedVersion: 4, name: 'New' }, 'ada')).rejects.toThrow(
      'send expectedVersion 5',
    );
    expect(writeSettings).toHaveBeenCalledTimes(1);
  });

  it('writes nothing when an update changes nothing', async () => {
    const service = new DeviceService({
      store: storeWith({ getRecord: async () => record() }),
      publisher: { publish: async () => undefined },
      logger: silent,
    });
    expect(await service.updateDevice({ id: 'b1', name: 'Buoy' }, 'ada')).toMatchObject({ configVersion: 4 });
  });

  it('records a failed publish on the device and still returns it', async () => {
    const written = device({ configVersion: 5, delivery: null });
    const markDeliveryFailed = vi.fn(
      async (_id: string, version: number, attemptedAt: string, error: string) =>
        device({ configVersion: version, delivery: { status: 'UNDELIVERED', version, attemptedAt, error } }),
    );
    const service = new DeviceService({
      store: storeWith({
        getRecord: async () => record(),
        writeSettings: async () => written,
        putConfigVersion: async () => undefined,
        markDeliveryFailed,
      }),
      publisher: { publish: () => Promise.reject(new Error('connect ECONNREFUSED')) },
      logger: silent,
      clock,
    });
    const result = await service.updateDevice({ id: 'b1', sensorIntervalMs: 5_000 }, 'ada');
    expect(result.delivery).toEqual({
      status: 'UNDELIVERED',
      version: 5,
      attemptedAt: '2026-11-27T12:00:00.000Z',
      error: 'Publishing the config failed: connect ECONNREFUSED',
    });
    expect(markDeliveryFailed).toHaveBeenCalledTimes(1);
  });
});
