#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

let settled = false;
// A run whose work stalled must never look like success: Node would exit 0 on an empty event loop.
process.on('exit', (code) => {
  if (!settled && code === 0) {
    process.stderr.write('datasynth-pipe: internal error: the command ended before it finished (a pending operation never completed)\n');
    process.exitCode = 3;
  }
});

main(process.argv.slice(2)).then((code) => {
  settled = true;
  process.exitCode = code;
});
