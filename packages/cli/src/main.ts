#!/usr/bin/env node
/** The `purevit` bin: run.ts against the process's argv and streams. */

import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2));
