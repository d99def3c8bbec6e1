/**
 * Naive baselines for the benchmarks (what one would write without the engine), by name. Each takes
 * a size and an output directory and returns the rows and bytes it wrote. Registered here so the
 * generic child (bench/child.ts) can run any of them in its own process.
 */
export interface BaselineResult {
  readonly rows: number;
  readonly bytes: number;
  readonly tables?: Record<string, number>;
}

export type Baseline = (size: number, outDir: string) => Promise<BaselineResult>;

export const BASELINES: Record<string, Baseline> = {};

/** Adds a baseline (bench scripts import their baseline module for this side effect). */
export function registerBaseline(name: string, run: Baseline): void {
  BASELINES[name] = run;
}
