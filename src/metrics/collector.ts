/**
 * Run metrics with Vector-style names (controls.md §10.1), kept up to date from
 * the run's events, so the exporter needs no hook into the engine. The final
 * counters come from the `end` event and equal the manifest's `components`.
 */
import type { ComponentTick, RunEvent } from '../engine/progress.js';
import type { MetricFamily } from './prometheus.js';

/**
 * @example
 * const metrics = new RunMetrics();
 * runPipeline({ loaded, onEvent: (e) => metrics.onEvent(e) });
 * formatExposition(metrics.families());
 */
export class RunMetrics {
  private components: Record<string, ComponentTick> = {};
  private plannedByTable: Record<string, number> = {};
  private readonly outputsBySink = new Map<string, number>();
  private guardLevel = 0;
  private paused: string[] = [];
  private disk: { path: string; bytes: number } | null = null;
  private sinkBuffered: Record<string, number> = {};
  private rss: number | null = null;
  /** True once the sinks are checked and outputs may open (`/ready`). */
  ready = false;
  /** True after the `end` event. */
  ended = false;

  onEvent(e: RunEvent): void {
    switch (e.type) {
      case 'start':
        this.plannedByTable = { ...e.plannedRowsByTable };
        break;
      case 'ready':
        this.ready = true;
        break;
      case 'progress':
        if (e.components) this.components = e.components;
        if (e.guardLevel !== undefined) this.guardLevel = e.guardLevel;
        if (e.paused) this.paused = e.paused;
        if (e.diskFree !== undefined) this.disk = e.diskFree;
        if (e.sinkBufferedBytes) this.sinkBuffered = e.sinkBufferedBytes;
        if (e.rssBytes !== undefined) this.rss = e.rssBytes;
        break;
      case 'output':
        if (e.sink) this.outputsBySink.set(e.sink, (this.outputsBySink.get(e.sink) ?? 0) + 1);
        break;
      case 'guard':
        this.guardLevel = e.level;
        break;
      case 'pause':
        if (!this.paused.includes(e.reason)) this.paused = [...this.paused, e.reason];
        break;
      case 'resume':
        this.paused = this.paused.filter((r) => r !== e.reason);
        break;
      case 'end':
        if (e.components) this.components = e.components;
        if (e.guardLevel !== undefined) this.guardLevel = e.guardLevel;
        this.paused = [];
        this.sinkBuffered = {};
        this.ended = true;
        break;
      default:
        break;
    }
  }

  /** The metric families, in a stable order. */
  families(): MetricFamily[] {
    const comp = Object.entries(this.components);
    const labels = (id: string, c: ComponentTick): Record<string, string> => ({ component_id: id, component_kind: c.kind, component_type: c.type });
    const counter = (name: string, help: string, pick: (c: ComponentTick) => number): MetricFamily => ({
      name, help, type: 'counter', samples: comp.map(([id, c]) => ({ labels: labels(id, c), value: pick(c) })),
    });
    const rss = this.rss ?? process.memoryUsage.rss();
    return [
      counter('component_received_events_total', 'Rows received by the component.', (c) => c.recv),
      counter('component_sent_events_total', 'Rows sent by the component (sinks: committed).', (c) => c.sent),
      counter('component_received_bytes_total', 'Bytes received by the component.', (c) => c.recvBytes),
      counter('component_sent_bytes_total', 'Bytes sent by the component (sinks: committed).', (c) => c.sentBytes),
      {
        name: 'component_errors_total', help: 'Errors of the component.', type: 'counter',
        samples: comp.map(([id, c]) => ({ labels: { ...labels(id, c), error_type: 'processing' }, value: c.errors })),
      },
      {
        name: 'pipeline_outputs_committed_total', help: 'Outputs committed, per sink.', type: 'counter',
        samples: comp.filter(([, c]) => c.kind === 'sink').map(([id]) => ({ labels: { sink: id }, value: this.outputsBySink.get(id) ?? 0 })),
      },
      {
        name: 'pipeline_rows_planned', help: 'Rows planned per table.', type: 'gauge',
        samples: Object.entries(this.plannedByTable).map(([table, n]) => ({ labels: { table }, value: n })),
      },
      { name: 'pipeline_guard_level', help: 'Resource guard level: 0 normal, 1 reduced, 2 minimal, 3 emergency.', type: 'gauge', samples: [{ labels: {}, value: this.guardLevel }] },
      {
        name: 'pipeline_paused', help: 'Whether the sources are paused, per reason.', type: 'gauge',
        samples: (['guard', 'signal'] as const).map((reason) => ({ labels: { reason }, value: this.paused.includes(reason) ? 1 : 0 })),
      },
      {
        name: 'pipeline_disk_free_bytes', help: 'Least free bytes over the watched local directories.', type: 'gauge',
        samples: this.disk ? [{ labels: { path: this.disk.path }, value: this.disk.bytes }] : [],
      },
      {
        name: 'sink_buffered_bytes', help: 'Encoded bytes not yet at the destination, per sink.', type: 'gauge',
        samples: comp.filter(([, c]) => c.kind === 'sink').map(([id]) => ({ labels: { component_id: id }, value: this.sinkBuffered[id] ?? 0 })),
      },
      { name: 'process_resident_memory_bytes', help: 'Resident memory of the process in bytes.', type: 'gauge', samples: [{ labels: {}, value: rss }] },
    ];
  }
}
