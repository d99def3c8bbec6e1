/**
 * datasynth-pipe public API. Re-exports only; each module does one job.
 */
export { openPipeline, PipelineRun, type OpenPipelineOptions, type PipelineRunEvents } from './api/open-pipeline.js';
export { source, SourceStream, type SourceOptions, type SourceTransform } from './api/source.js';
export { runPipeline, type RunOptions, type RunResult } from './engine/runner.js';
export { loadConfigFile, loadConfigText, loadConfigObject } from './config/load.js';
export { buildConfigJsonSchema } from './config/schema.js';
export { verifyRun, type VerifyReport } from './provenance/verify.js';
export type { Manifest, ManifestOutput } from './provenance/manifest.js';
export type { Batch } from './engine/batch.js';
export type { TableSchema, ColumnDef, ColumnType } from './engine/schema.js';
export type { Row, RowValue } from './engine/rows.js';
export type { RunEvent } from './engine/progress.js';
export type { PipelineConfig, LoadedConfig } from './config/types.js';
export type { SourcePlugin, TransformPlugin, SinkPlugin, FormatPlugin, Sink, OutputWriter } from './engine/plugins.js';
export { DspError, ConfigError, ExitCode, type ConfigIssue } from './errors.js';
export * as registry from './engine/registry.js';
