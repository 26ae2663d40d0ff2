import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ReadingPoint } from '../lib/types';

export interface ChartProps {
  /** Accessible name, e.g. "pH of buoy-1, last 24 hours". */
  label: string;
  unit?: string | null | undefined;
  points: readonly ReadingPoint[];
  /** Buckets (avg with a min-max band) or raw points. */
  buckets: boolean;
  min?: number | null | undefined;
  max?: number | null | undefined;
  height?: number;
}

/**
 * Chart work (building a plot, giving it data) waits for an animation frame,
 * one chart per frame: uPlot draws in a microtask after setData returns, so
 * the cost of a draw cannot be timed here, only spread. Ten charts receiving a
 * week of points at once would otherwise be one long frame
 * (bench/sections/console.ts measures it).
 */
const queue: (() => void)[] = [];
let scheduled = false;

function runQueue() {
  queue.shift()?.();
  if (queue.length) requestAnimationFrame(runQueue);
  else scheduled = false;
}

function schedule(job: () => void) {
  queue.push(job);
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(runQueue);
  }
}

/** Columns uPlot draws: seconds, then value (or avg, min, max). */
export function chartData(points: readonly ReadingPoint[], buckets: boolean): uPlot.AlignedData {
  const xs = new Float64Array(points.length);
  const ys: (number | null)[] = new Array(points.length);
  const lo: (number | null)[] = buckets ? new Array(points.length) : [];
  const hi: (number | null)[] = buckets ? new Array(points.length) : [];
  points.forEach((p, i) => {
    xs[i] = Date.parse(p.time) / 1000;
    ys[i] = (buckets ? p.avg : p.value) ?? null;
    if (buckets) {
      lo[i] = p.min ?? null;
      hi[i] = p.max ?? null;
    }
  });
  return (buckets ? [xs, ys, lo, hi] : [xs, ys]) as uPlot.AlignedData;
}

function options(props: ChartProps, width: number): uPlot.Options {
  const unit = props.unit ? ` ${props.unit}` : '';
  const limits = (u: uPlot) => {
    // The sensor's min and max as dashed lines: out-of-range readings are the ones beyond them.
    const ctx = u.ctx;
    ctx.save();
    ctx.setLineDash([6, 4]);
    ctx.strokeStyle = '#b3261e';
    ctx.lineWidth = 1;
    for (const limit of [props.min, props.max]) {
      if (limit === null || limit === undefined) continue;
      const y = u.valToPos(limit, 'y', true);
      if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) continue;
      ctx.beginPath();
      ctx.moveTo(u.bbox.left, y);
      ctx.lineTo(u.bbox.left + u.bbox.width, y);
      ctx.stroke();
    }
    ctx.restore();
  };
  return {
    width,
    height: props.height ?? 180,
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${t}${unit}`), size: 60 }],
    series: props.buckets
      ? [
          {},
          { label: 'avg', stroke: '#0b5cab', width: 1.5 },
          { label: 'min', stroke: '#7aa7d6', width: 1 },
          { label: 'max', stroke: '#7aa7d6', width: 1 },
        ]
      : [
          {},
          {
            label: 'value',
            stroke: '#0b5cab',
            width: 1.5,
            // Dots only while there are few enough to see one by one.
            points: { show: (u: uPlot) => (u.data[0]?.length ?? 0) < 200 },
          },
        ],
    bands: props.buckets ? [{ series: [3, 2], fill: 'rgba(11,92,171,0.12)' }] : [],
    hooks: { draw: [limits] },
  };
}

/**
 * A uPlot time-series chart that fills its container's width; new points are
 * given to the same plot (setData), so a live reading does not rebuild it.
 */
export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [failed, setFailed] = useState<string>();
  const shape = `${props.buckets}|${props.unit}|${props.min}|${props.max}`;
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let alive = true;
    let resize: ResizeObserver | undefined;
    schedule(() => {
      if (!alive) return;
      const p = latest.current;
      try {
        plot.current = new uPlot(options(p, el.clientWidth || 600), chartData(p.points, p.buckets), el);
        setFailed(undefined);
      } catch (err) {
        // No canvas (an old browser, or a DOM without one): say so rather than draw nothing.
        setFailed((err as Error).message);
        return;
      }
      resize = new ResizeObserver(() => {
        if (el.clientWidth > 0) plot.current?.setSize({ width: el.clientWidth, height: p.height ?? 180 });
      });
      resize.observe(el);
    });
    return () => {
      alive = false;
      resize?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when its shape changes; data changes go through setData below.
  }, [shape]);

  useEffect(() => {
    let alive = true;
    schedule(() => {
      if (alive) plot.current?.setData(chartData(latest.current.points, latest.current.buckets));
    });
    return () => {
      alive = false;
    };
  }, [props.points, props.buckets]);

  const last = props.points[props.points.length - 1];
  return (
    <figure className="chart">
      <div ref={box} role="img" aria-label={`${props.label}: ${props.points.length} points`} />
      {failed ? <p className="error">The chart cannot be drawn here ({failed}).</p> : null}
      <figcaption className="sr-only">
        {props.label}; {props.points.length} points
        {last ? `, the last at ${last.time}` : ''}.
      </figcaption>
    </figure>
  );
}
