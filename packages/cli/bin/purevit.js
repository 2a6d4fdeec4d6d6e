#!/usr/bin/env node
// The `purevit` bin. A committed launcher rather than dist/main.js itself: npm links workspace bins
// during `npm ci` before `prepare` builds dist/, and skips a bin whose file does not exist yet.
import '../dist/main.js';
