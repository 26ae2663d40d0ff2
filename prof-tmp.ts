import { parseMessage } from './core/ingestion/parse';
import { readingsPayloadSchema } from './core/ingestion/schemas';
import { buildRecord } from './core/ingestion/records';
const SENSORS = ['ch4', 'co2', 'cond', 'do', 'flw', 'lvl', 'ph', 'tmp', 'tds', 'tbd'];
const enc = new TextEncoder();
const msgs = Array.from({length: 20000}, (_, k) => { const r: Record<string, number> = {}; SENSORS.forEach((s,i)=> r[s]= (k*31+i*97)%1000/100); const text = JSON.stringify({ts: 1795737600000 - k, seq: k, readings: r}); return {text, m: {topic: 'devices/buoy-001/readings', payload: enc.encode(text), receivedAt: 1795737600000}}; });
const w = { now: 1795737600000, oldest: 0 };
const dev = { id: 'buoy-001', enabled: true, configVersion: 1, sensors: SENSORS.map(s => ({ id: s, unit: 'u', enabled: true, min: 0, max: 1000, decimals: 2, calibration: { points: [{raw:0,actual:0},{raw:10,actual:100}], calibratedAt: null } })) };
function t(name: string, f: () => void) { for (let r=0;r<3;r++){ const s = performance.now(); f(); const d = performance.now()-s; if (r===2) console.log(name, (d*1000/msgs.length).toFixed(2), 'us/msg'); } }
const dec = new TextDecoder('utf-8', {fatal: true});
t('json', () => { for (const x of msgs) JSON.parse(x.text); });
t('decode+json', () => { for (const x of msgs) JSON.parse(dec.decode(x.m.payload)); });
t('zod', () => { for (const x of msgs) readingsPayloadSchema.safeParse(JSON.parse(x.text)); });
t('parseMessage', () => { for (const x of msgs) parseMessage(x.m, w); });
const parsed = msgs.map(x => parseMessage(x.m, w));
t('buildRecord', () => { for (const p of parsed) buildRecord(dev, p as any); });
import { createIngestionPipeline } from './core/ingestion/pipeline';
const sink = { oldestWritable: () => 0, write: async () => ({ failures: [] }) };
const p = createIngestionPipeline({ devices: { get: async () => dev }, telemetry: sink, acks: { recordAck: async () => { throw new Error(); } }, notifier: { deviceChanged: async () => {} }, lastSeen: { touchLastSeen: async () => {} }, clock: () => 1795737600000 });
const batches: any[] = []; for (let i = 0; i < msgs.length; i += 100) batches.push(msgs.slice(i, i+100).map(x => x.m));
for (let r = 0; r < 3; r++) { const s = performance.now(); for (const b of batches) await p.process(b); console.log('pipeline', ((performance.now()-s)*1000/msgs.length).toFixed(2), 'us/msg'); }
