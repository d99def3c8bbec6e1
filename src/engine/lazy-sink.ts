/**
 * Defers loading a sink's implementation (and its SDK: AWS, GCS, pg) until a
 * pipeline actually uses it, so `datasynth-pipe --help` or a file-only run does
 * not pay for every client library at start-up.
 */
import type { CommittedOutput, OutputTarget, OutputWriter, RunContext, Sink } from './plugins.js';

export function lazySink(id: string, type: string, load: () => Promise<Sink>): Sink {
  let loaded: Promise<Sink> | null = null;
  const real = (): Promise<Sink> => (loaded ??= load());
  return {
    id,
    type,
    async check(signal: AbortSignal): Promise<void> {
      await (await real()).check(signal);
    },
    async open(target: OutputTarget, ctx: RunContext): Promise<OutputWriter> {
      return (await real()).open(target, ctx);
    },
    async finalizeRun(ctx: RunContext): Promise<void> {
      await (await real()).finalizeRun?.(ctx);
    },
    async publishRun(files: { manifest: Buffer; success: Buffer }, ctx: RunContext): Promise<void> {
      await (await real()).publishRun?.(files, ctx);
    },
  };
}

export type { CommittedOutput };
