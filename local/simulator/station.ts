import mqtt, { type MqttClient } from 'mqtt';
import {
  ackTopic,
  configTopic,
  legacyConfigTopic,
  legacyReadingTopic,
  parseTopic,
  readingsTopic,
  topicFilter,
} from '../../core/ingestion/topics';
import { SENSOR_PROFILES, SensorWalk, type Anomaly } from './sensors';

export interface StationOptions {
  deviceId: string;
  mqttUrl: string;
  /** Old firmware: per-sensor topics, legacy config, no acks. */
  legacy: boolean;
  /** Used until the retained config says otherwise. */
  intervalMs: number;
  /** MQTT password when the broker checks device credentials (username = device id). */
  password?: string | undefined;
  /** Rare random spikes in the walks (default true). */
  randomSpikes?: boolean;
  /** Every n-th message carries a spike / an out-of-span value on one sensor, in turn. */
  spikeEvery?: number;
  outOfSpanEvery?: number;
  onSent(count: number): void;
  onAck(): void;
  onLog(line: string): void;
}

/**
 * One simulated buoy: publishes raw readings every interval, follows its
 * retained config (interval, sensors on and off, enabled) and acknowledges
 * each version, as the firmware does.
 */
export class Station {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private intervalMs: number;
  private enabled = true;
  private readonly sensorsOn = new Map<string, boolean>(SENSOR_PROFILES.map((p) => [p.id, true]));
  private readonly walks: Map<string, SensorWalk>;
  private readonly pending = new Map<string, Anomaly>();
  private seq = 0;
  private published = 0;

  constructor(private readonly options: StationOptions) {
    this.intervalMs = options.intervalMs;
    this.walks = new Map(SENSOR_PROFILES.map((p) => [p.id, new SensorWalk(p, options.randomSpikes ?? true)]));
  }

  /** The next reading of `sensor` carries the anomaly. */
  inject(sensor: string, anomaly: Anomaly): void {
    if (!this.walks.has(sensor)) throw new Error(`the simulated station has no sensor "${sensor}"`);
    this.pending.set(sensor, anomaly);
  }

  /** The scheduled anomalies of this message, one sensor in turn. */
  private scheduleAnomalies(): void {
    const n = ++this.published;
    const ids = [...this.walks.keys()];
    const pick = () => ids[n % ids.length]!;
    const { spikeEvery, outOfSpanEvery } = this.options;
    if (spikeEvery && n % spikeEvery === 0) this.pending.set(pick(), 'spike');
    if (outOfSpanEvery && n % outOfSpanEvery === 0) this.pending.set(pick(), 'out-of-span');
  }

  async start(): Promise<void> {
    const { deviceId, password } = this.options;
    this.client = await mqtt.connectAsync(this.options.mqttUrl, {
      clientId: `sim-station-${deviceId}`,
      ...(password ? { username: deviceId, password } : {}),
      reconnectPeriod: 1_000,
    });
    this.client.on('message', (topic, payload) => this.onConfig(topic, payload.toString()));
    const topics = this.options.legacy
      ? [legacyConfigTopic(deviceId), topicFilter('legacy-sensor-config', deviceId)]
      : [configTopic(deviceId)];
    await this.client.subscribeAsync(topics, { qos: 1 });
    this.schedule();
  }

  /**
   * Makes one sensor report `actual` (calibrated) for the next `readings`
   * readings, e.g. pH 9.6 past its max of 8.5, to show an alert open and close.
   */
  excursion(sensorId: string, actual: number, readings: number): void {
    const walk = this.walks.get(sensorId);
    if (!walk) throw new Error(`${this.options.deviceId} has no sensor "${sensorId}"`);
    walk.force(actual, readings);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.client?.endAsync();
  }

  private schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.publish();
      this.schedule();
    }, this.intervalMs);
  }

  private publish() {
    if (!this.client || !this.enabled) return;
    const { deviceId, legacy } = this.options;
    const readings: Record<string, number> = {};
    this.scheduleAnomalies();
    for (const [id, on] of this.sensorsOn) {
      if (!on) continue;
      readings[id] = this.walks.get(id)!.nextRaw(this.pending.get(id));
      this.pending.delete(id);
    }
    if (legacy) {
      for (const [sensor, raw] of Object.entries(readings)) {
        this.client.publish(legacyReadingTopic(deviceId, sensor), JSON.stringify({ value: String(raw) }), {
          qos: 1,
        });
      }
      this.options.onSent(Object.keys(readings).length);
    } else if (Object.keys(readings).length) {
      this.client.publish(
        readingsTopic(deviceId),
        JSON.stringify({ ts: Date.now(), seq: ++this.seq, readings }),
        { qos: 1 },
      );
      this.options.onSent(1);
    }
  }

  private onConfig(topic: string, text: string) {
    if (!text) return;
    const { deviceId } = this.options;
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.options.onLog(`${deviceId}: ignored a config that is not JSON on ${topic}`);
      return;
    }
    const parsed = parseTopic(topic);
    if (!parsed || parsed.deviceId !== deviceId) return;
    if (parsed.kind === 'config') {
      const version = Number(config.version);
      const interval = Number(config.sensorIntervalMs);
      if (!Number.isInteger(interval) || interval < 1_000) {
        this.ack(
          version,
          'rejected',
          `sensorIntervalMs ${String(config.sensorIntervalMs)} is not one this firmware supports`,
        );
        return;
      }
      this.enabled = config.enabled !== false;
      this.setInterval(interval);
      const sensors = (config.sensors ?? {}) as Record<string, { enabled?: boolean }>;
      for (const id of this.sensorsOn.keys()) this.sensorsOn.set(id, sensors[id]?.enabled ?? false);
      this.ack(version, 'applied');
    } else if (parsed.kind === 'legacy-config') {
      const interval = Number(config.sensor_interval);
      if (Number.isInteger(interval) && interval >= 1_000) this.setInterval(interval);
    } else if (parsed.kind === 'legacy-sensor-config') {
      if (this.sensorsOn.has(parsed.sensor)) this.sensorsOn.set(parsed.sensor, config.state === '1');
    }
  }

  private setInterval(ms: number) {
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    this.schedule();
  }

  private ack(version: number, status: 'applied' | 'rejected', reason?: string) {
    this.client?.publish(
      ackTopic(this.options.deviceId),
      JSON.stringify({ version, status, ...(reason ? { reason } : {}) }),
      { qos: 1 },
    );
    this.options.onAck();
  }
}
