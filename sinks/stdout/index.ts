/** The `stdout` sink: one table as CSV or NDJSON on standard output, for Unix pipes (controls.md §8.6). */
export { stdoutSink, stdoutSinkOptionsSchema, createStdoutSink, STDOUT_URI, type StdoutSinkOptions } from './stdout-sink.js';
export { StdoutWritable, stdoutClosedError, isStdoutClosed, STDOUT_CLOSED_CODE, STDOUT_CLOSED_MESSAGE } from './stdout-writable.js';
