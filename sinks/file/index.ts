/** The `file` sink and the atomic-write helpers the manifest writer shares. */
export { fileSink, fileSinkOptionsSchema, resolveBaseDir, outputRelativePath, effectiveIfExists, DEFAULT_PATH, type FileSinkOptions, type IfExists } from './file-sink.js';
export { writeFileAtomic, createExclusive, fsyncDirectory, tempPathFor } from './atomic.js';
