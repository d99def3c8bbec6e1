/**
 * Registers the built-in plugins. The engine core never imports a concrete
 * plugin; entry points (CLI, public API) import this module once.
 */
import * as registry from './engine/registry.js';
import { referenceSources } from './sources/reference/index.js';
import { masterSources } from './sources/master/index.js';
import { journalEntriesSource } from './sources/journal-entries/index.js';
import { intercompanySource } from './sources/intercompany/index.js';
import { p2pSource } from './sources/p2p/index.js';
import { o2cSource } from './sources/o2c/index.js';
import { dataQualityTransform } from './transforms/data-quality/index.js';
import { anomaliesTransform } from './transforms/anomalies/index.js';
import { builtinFormats } from './formats/index.js';
import { fileSink } from '../sinks/file/index.js';
import { s3Sink } from '../sinks/s3/plugin.js';
import { gcsSink } from '../sinks/gcs/plugin.js';
import { stdoutSink } from '../sinks/stdout/index.js';
import { postgresSink } from '../sinks/postgres/index.js';

let registered = false;

export function registerBuiltins(): void {
  if (registered) return;
  registered = true;
  for (const s of referenceSources) registry.sources.register(s.type, s);
  for (const s of masterSources) registry.sources.register(s.type, s);
  registry.sources.register(journalEntriesSource.type, journalEntriesSource);
  registry.sources.register(intercompanySource.type, intercompanySource);
  registry.sources.register(p2pSource.type, p2pSource);
  registry.sources.register(o2cSource.type, o2cSource);
  registry.transforms.register(dataQualityTransform.type, dataQualityTransform);
  registry.transforms.register(anomaliesTransform.type, anomaliesTransform);
  for (const f of builtinFormats) registry.formats.register(f.name, f);
  registry.sinks.register(fileSink.type, fileSink);
  registry.sinks.register(s3Sink.type, s3Sink);
  registry.sinks.register(gcsSink.type, gcsSink);
  registry.sinks.register(stdoutSink.type, stdoutSink);
  registry.sinks.register(postgresSink.type, postgresSink);
}

registerBuiltins();
