/**
 * Shard and run-id resolution for scale-out (controls.md §11.1, §11.2). The user's own engine fans
 * out `datasynth-pipe run … --shard i/n` (Kubernetes Indexed Jobs, AWS Batch arrays, Airflow
 * mapping, Dagster partitions); a shard runs the logical partitions p ≡ i (mod n) of every source.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DspError, ExitCode } from '../errors.js';
import { uuidV8FromBytes } from '../random/derive.js';

export type ShardSource = 'flag' | 'DSP_SHARD_INDEX' | 'JOB_COMPLETION_INDEX' | 'AWS_BATCH_JOB_ARRAY_INDEX' | 'dagster_pipes' | 'default';

export interface Shard {
  readonly index: number;
  readonly count: number;
  readonly resolvedFrom: ShardSource;
}

export interface ShardInputs {
  /** `--shard i/n`. */
  readonly shard?: string;
  readonly shardIndex?: string | number;
  readonly shardCount?: string | number;
  readonly env?: NodeJS.ProcessEnv;
  /** Dagster Pipes context extras / partition key, when launched by Dagster. */
  readonly pipes?: { shardIndex?: number; shardCount?: number; partitionKey?: string | null } | null;
}

/** Bad shard settings are invalid input (exit 1), named by the flag or variable that carried them. */
function shardError(code: string, what: string, message: string): DspError {
  return new DspError(code, `${what} ${message}`, ExitCode.InvalidInput, { setting: what });
}

function int(v: string | number | undefined, what: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : /^[0-9]+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw shardError('DSP_SHARD_INVALID', what, `must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return n;
}

/**
 * The shard this process runs: the first source that names one (controls.md §11.1); disagreeing
 * sources fail with DSP_SHARD_CONFLICT; `0 ≤ i < n` enforced. Default 0/1.
 *
 * @example
 * resolveShard({ shard: '2/8' });                                        // { index: 2, count: 8, resolvedFrom: 'flag' }
 * resolveShard({ env: { JOB_COMPLETION_INDEX: '3', DSP_SHARD_COUNT: '4' } }); // { index: 3, count: 4, … }
 */
export function resolveShard(inputs: ShardInputs): Shard {
  const env = inputs.env ?? {};
  const candidates: Array<{ index: number; count: number | undefined; from: ShardSource; what: string }> = [];
  if (inputs.shard !== undefined) {
    const m = /^\s*([0-9]+)\s*\/\s*([0-9]+)\s*$/.exec(inputs.shard);
    if (!m) throw shardError('DSP_SHARD_INVALID', '--shard', `must be i/n (e.g. 0/4), got ${JSON.stringify(inputs.shard)}`);
    candidates.push({ index: Number(m[1]), count: Number(m[2]), from: 'flag', what: '--shard' });
  } else if (inputs.shardIndex !== undefined) {
    candidates.push({ index: int(inputs.shardIndex, '--shard-index')!, count: int(inputs.shardCount, '--shard-count'), from: 'flag', what: '--shard-index' });
  }
  const envCount = int(env.DSP_SHARD_COUNT, 'DSP_SHARD_COUNT');
  const flagCount = int(inputs.shardCount, '--shard-count');
  if (env.DSP_SHARD_INDEX !== undefined && env.DSP_SHARD_INDEX !== '') {
    candidates.push({ index: int(env.DSP_SHARD_INDEX, 'DSP_SHARD_INDEX')!, count: envCount, from: 'DSP_SHARD_INDEX', what: 'DSP_SHARD_INDEX' });
  }
  if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') {
    candidates.push({ index: int(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX')!, count: flagCount ?? envCount, from: 'JOB_COMPLETION_INDEX', what: 'JOB_COMPLETION_INDEX' });
  }
  if (env.AWS_BATCH_JOB_ARRAY_INDEX !== undefined && env.AWS_BATCH_JOB_ARRAY_INDEX !== '') {
    candidates.push({
      index: int(env.AWS_BATCH_JOB_ARRAY_INDEX, 'AWS_BATCH_JOB_ARRAY_INDEX')!,
      count: int(env.AWS_BATCH_JOB_ARRAY_SIZE, 'AWS_BATCH_JOB_ARRAY_SIZE') ?? envCount,
      from: 'AWS_BATCH_JOB_ARRAY_INDEX', what: 'AWS_BATCH_JOB_ARRAY_INDEX',
    });
  }
  const p = inputs.pipes;
  if (p) {
    const idx = p.shardIndex ?? (p.partitionKey && /^[0-9]+$/.test(p.partitionKey) ? Number(p.partitionKey) : undefined);
    if (idx !== undefined) candidates.push({ index: idx, count: p.shardCount, from: 'dagster_pipes', what: 'Dagster Pipes extras.shard_index' });
  }
  if (candidates.length === 0) return { index: 0, count: 1, resolvedFrom: 'default' };
  const first = candidates[0];
  const count: number | undefined = first.count ?? flagCount ?? envCount;
  if (count === undefined) {
    throw shardError('DSP_SHARD_INVALID', first.what, `gives the shard index ${first.index} but no shard count: pass --shard-count N or set DSP_SHARD_COUNT`);
  }
  for (const c of candidates.slice(1)) {
    const cCount: number = c.count ?? count;
    if (c.index !== first.index || cCount !== count) {
      throw shardError('DSP_SHARD_CONFLICT', c.what, `says shard ${c.index}/${cCount}, but ${first.what} says ${first.index}/${count}; remove one of them`);
    }
  }
  if (count < 1) throw shardError('DSP_SHARD_INVALID', first.what, 'needs a shard count of at least 1');
  if (first.index >= count) {
    throw shardError('DSP_SHARD_INVALID', first.what, `shard index ${first.index} is outside 0…${count - 1} (count ${count})`);
  }
  return { index: first.index, count, resolvedFrom: first.from };
}

export interface RunIdInputs {
  readonly runId?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly pipesRunId?: string | null;
  readonly configHash: string;
  readonly seed: bigint;
  readonly toolVersion: string;
  readonly shardCount: number;
}

export interface ResolvedRunId {
  readonly runId: string;
  /** Where it came from, and the original text when it was mapped to a UUID. */
  readonly source: 'flag' | 'DSP_RUN_ID' | 'dagster_pipes' | 'AWS_BATCH_JOB_ID' | 'random' | 'derived';
  readonly original: string | null;
  /** DSP_WARN_RUN_ID_DERIVED when shards had to derive a shared id. */
  readonly warning: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidFromText(text: string): string {
  return uuidV8FromBytes(createHash('sha256').update(`dsp-run-id-v1\u0000${text}`).digest());
}

/**
 * The run id (controls.md §11.2): `--run-id` > DSP_RUN_ID > Pipes extras.run_id > AWS Batch parent id
 * > one shard: a random UUID v4 > several shards: SHA-256(dsp-run-v1 ‖ config_hash ‖ seed ‖ version ‖ n)
 * as UUID v8 with a warning (every shard derives the same id). Non-UUID ids map to UUID v8.
 */
export function resolveRunId(inputs: RunIdInputs): ResolvedRunId {
  const env = inputs.env ?? {};
  const given: Array<[ResolvedRunId['source'], string | null | undefined]> = [
    ['flag', inputs.runId],
    ['DSP_RUN_ID', env.DSP_RUN_ID],
    ['dagster_pipes', inputs.pipesRunId],
    ['AWS_BATCH_JOB_ID', env.AWS_BATCH_JOB_ID ? env.AWS_BATCH_JOB_ID.split(':')[0] : undefined],
  ];
  for (const [source, v] of given) {
    if (v === undefined || v === null || v.trim() === '') continue;
    const text = v.trim();
    if (UUID.test(text)) return { runId: text.toLowerCase(), source, original: null, warning: null };
    return { runId: uuidFromText(text), source, original: text, warning: null };
  }
  if (inputs.shardCount <= 1) return { runId: randomUUID(), source: 'random', original: null, warning: null };
  const digest = createHash('sha256')
    .update(`dsp-run-v1\u0000${inputs.configHash}\u0000${inputs.seed.toString()}\u0000${inputs.toolVersion}\u0000${inputs.shardCount}`)
    .digest();
  return {
    runId: uuidV8FromBytes(digest),
    source: 'derived',
    original: null,
    warning: `no run id given for a sharded run: derived ${uuidV8FromBytes(digest)} from config hash, seed, tool version and shard count; pass --run-id (or DSP_RUN_ID) so retries and reruns are told apart`,
  };
}

/** Whether logical partition p of a source belongs to shard (i, n): p ≡ i (mod n) (architecture.md §8). */
export function ownsPartition(shard: Shard, partition: number): boolean {
  return partition % shard.count === shard.index;
}
