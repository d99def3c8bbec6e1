/**
 * Serves the run's metrics (controls.md §10.3): `--metrics-listen host:port`
 * answers `GET /metrics` and `GET /ready`; `--metrics-file PATH` is rewritten
 * atomically every interval (node-exporter's textfile collector) and once at the end.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { writeFileAtomic } from '../util/fs-atomic.js';
import { UsageError } from '../errors.js';
import type { RunEvent } from '../engine/progress.js';
import { RunMetrics } from './collector.js';
import { EXPOSITION_CONTENT_TYPE, formatExposition } from './prometheus.js';

export interface MetricsExporterOptions {
  /** `host:port` (`[::1]:9464` for IPv6; port 0 picks a free one). */
  listen?: string | null;
  file?: string | null;
  intervalMs?: number;
}

/**
 * Parses `host:port`.
 *
 * @example
 * parseListen('127.0.0.1:9464') // { host: '127.0.0.1', port: 9464 }
 */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--metrics-listen must be host:port, e.g. 127.0.0.1:9464 (got '${value}')`);
  return { host: m[1] ?? m[2], port };
}

/**
 * @example
 * const exporter = new MetricsExporter({ listen: '127.0.0.1:9464', file: '/var/lib/node_exporter/dsp.prom' });
 * await exporter.start();
 * await runPipeline({ loaded, onEvent: (e) => exporter.onEvent(e) });
 * await exporter.close();
 */
export class MetricsExporter {
  readonly metrics = new RunMetrics();
  private server: Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly tag = randomUUID();

  constructor(private readonly options: MetricsExporterOptions) {}

  /** The bound address once listening (port resolved when 0 was asked for). */
  address(): { host: string; port: number } | null {
    const a = this.server?.address();
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : null;
  }

  text(): string {
    return formatExposition(this.metrics.families());
  }

  async start(): Promise<void> {
    if (this.options.listen) {
      const { host, port } = parseListen(this.options.listen);
      const server = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.writeHead(405, { allow: 'GET, HEAD' }).end();
        } else if (path === '/metrics') {
          res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : this.text());
        } else if (path === '/ready') {
          const ok = this.metrics.ready && !this.metrics.ended;
          res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ready\n' : 'not ready\n');
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        }
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err) => reject(new UsageError(`--metrics-listen ${this.options.listen}: ${(err as Error).message}`)));
        server.listen(port, host, () => resolve());
      });
      // A scrape endpoint never keeps a finished run alive.
      server.unref();
      this.server = server;
    }
    if (this.options.file) {
      await this.writeFile();
      this.timer = setInterval(() => void this.writeFile(), this.options.intervalMs ?? 1000);
      this.timer.unref();
    }
  }

  onEvent(e: RunEvent): void {
    this.metrics.onEvent(e);
  }

  /** Writes the final file, stops the timer and the server. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.options.file) await this.writeFile();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** One write at a time; a failed write (disk full) is retried at the next interval. */
  private writeFile(): Promise<void> {
    const file = this.options.file!;
    this.writing = this.writing.then(() => writeFileAtomic(file, this.text(), this.tag)).catch(() => undefined);
    return this.writing;
  }
}
