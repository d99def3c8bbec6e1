/**
 * Registers the built-in plugins. The engine core never imports a concrete
 * plugin; entry points (CLI, public API) import this module once.
 */
import * as registry from './engine/registry.js';
import { referenceSources } from './sources/reference/index.js';
import { journalEntriesSource } from './sources/journal-entries/index.js';
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
  registry.sources.register(journalEntriesSource.type, journalEntriesSource);
  for (const f of builtinFormats) registry.formats.register(f.name, f);
  registry.sinks.register(fileSink.type, fileSink);
  registry.sinks.register(s3Sink.type, s3Sink);
  registry.sinks.register(gcsSink.type, gcsSink);
  registry.sinks.register(stdoutSink.type, stdoutSink);
  registry.sinks.register(postgresSink.type, postgresSink);
}

registerBuiltins();
