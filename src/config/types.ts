/**
 * The shape of a validated pipeline.yaml v1 (architecture.md §6). The loader
 * (src/config/load.ts) validates against the JSON Schema built in
 * src/config/schema.ts from the same description, coerces scalar types and
 * inserts NO defaults: consumers apply defaults where they read a key.
 */

/** A JSON value after interpolation and coercion. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

export type VolumePreset = 'ten_k' | 'hundred_k' | 'one_m' | 'ten_m' | 'hundred_m';

export interface CompanyConfig {
  code: string;
  name: string;
  currency: string;
  country: string;
  /** Standalone JEs per year before weighting (number, preset, or {custom: N}). */
  volume: number | VolumePreset | { custom: number };
  volume_weight?: number;
  tax_rate?: number;
  functional_currency?: string;
  fiscal_year_variant?: 'K4';
}

/** One component: its `type` plus type-specific options (validated by the plugin's options schema). */
export interface ComponentConfig {
  type: string;
  inputs?: string[];
  [option: string]: JsonValue | undefined;
}

export interface PipelineConfig {
  version: 1;
  /** Decimal string or number, 0…2^64−1 (runtime-only: not part of config_hash). */
  seed?: number | string;
  period: { start: string; months: number };
  group_currency?: string;
  industry?: string;
  companies: CompanyConfig[];
  fx?: { reference_rates?: Record<string, number> };
  sources: Record<string, ComponentConfig>;
  transforms?: Record<string, ComponentConfig & { inputs: string[] }>;
  sinks?: Record<string, ComponentConfig & { inputs: string[] }>;
  marking?: JsonObject;
  gates?: JsonObject;
  control?: JsonObject;
  runtime?: JsonObject;
  progress?: JsonObject;
  [key: string]: JsonValue | undefined | object;
}

/** What the loader returns. */
export interface LoadedConfig {
  /** The validated, interpolated, coerced config (no defaults inserted). */
  config: PipelineConfig;
  /** RFC 8785 canonical JSON of the hashed part (seed and runtime-only keys removed). */
  canonical: string;
  /** SHA-256 hex of `canonical`. */
  hash: string;
  /** The hashed object itself (what `canonical` serializes). */
  snapshot: JsonObject;
  /** Runtime-only keys with secrets replaced by "***". */
  runtime: JsonObject;
  /** Raw-bytes hashes of each config file read. */
  source: Array<{ path: string; sha256: string }>;
  /** `--set` overrides applied, as given. */
  overrides: string[];
  /** Resolved master seed. */
  seed: bigint;
  /** True when the seed was absent and defaulted to 0 (DSP_WARN_SEED_DEFAULT). */
  seedDefaulted: boolean;
  /** True when `--no-marking` turned marking off (applied as `--set marking.enabled=false`, so it is hashed). */
  markingDisabledByCli?: boolean;
  /**
   * Where a key path is written in the config file (the key's position, else the nearest
   * ancestor's), for errors found after loading (the planner). Undefined for config objects.
   */
  locate?: (path: ReadonlyArray<string | number>) => { file?: string; line?: number; col?: number } | undefined;
}

/** What the config layer needs to know about a registered plugin. */
export interface ComponentPluginInfo {
  readonly optionsSchema: JsonObject;
  readonly description?: string;
}

/** A lookup by `type` (the engine's registries, or a plain `Map` in tests). */
export interface PluginLookup {
  get(type: string): ComponentPluginInfo | undefined;
  keys(): Iterable<string>;
}

/** The three component registries a config is validated against. */
export interface ComponentRegistries {
  readonly sources: PluginLookup;
  readonly transforms: PluginLookup;
  readonly sinks: PluginLookup;
}
