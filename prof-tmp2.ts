import { createIngestionPipeline } from './core/ingestion/pipeline';
const SENSORS = ['ch4', 'co2', 'cond', 'do', 'flw', 'lvl', 'ph', 'tmp', 'tds', 'tbd'];
const enc = new TextEncoder();
const msgs = Array.from({length: 20000}, (_, k) => { const r: Record<string, number> = {}; SENSORS.forEach((s,i)=> r[s]= (k*31+i*97)%1000/100); const text = JSON.stringify({ts: 1795737600000 - k, seq: k, readings: r}); return {topic: `devices/buoy-00${k%10}/readings`, payload: enc.encode(text), receivedAt: 1795737600000}; });
const dev = { id: 'buoy-001', enabled: true, configVersion: 1, sensors: SENSORS.map(s => ({ id: s, unit: 'u', enabled: true, min: 0, max: 1000, decimals: 2, calibration: { points: [{raw:0,actual:0},{raw:5, actual: 40},{raw:10,actual:100}], calibratedAt: null } })) };
const sink = { oldestWritable: () => 0, write: async () => ({ failures: [] }) };
const p = createIngestionPipeline({ devices: { get: async () => dev }, telemetry: sink, acks: { recordAck: async () => { throw new Error(); } }, notifier: { deviceChanged: async () => {} }, lastSeen: { touchLastSeen: async () => {} }, clock: () => 1795737600000 });
const batches: any[] = []; for (let i = 0; i < msgs.length; i += 100) batches.push(msgs.slice(i, i+100));
for (let r = 0; r < 20; r++) { for (const b of batches) await p.process(b); }
