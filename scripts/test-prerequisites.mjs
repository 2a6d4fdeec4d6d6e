#!/usr/bin/env node
/**
 * `npm test`'s pretest step: what the tests need from the system, installed when missing. Today that is
 * Debian's Chromium at /usr/bin/chromium, which the real-browser tests drive with playwright-core (no browser
 * download). Where it is missing and apt-get is usable (root, or passwordless sudo), it is installed; where it
 * cannot be, this fails with a message saying what to install: never a silent skip.
 * Plain JavaScript, so it runs before anything is built.
 */

import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
const APT = ['-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', 'install', 'chromium'];

/** The real system: file checks and commands. */
export const system = {
  executable(path) {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  isRoot: () => process.getuid?.() === 0,
  /** Runs a command, its output going to stderr (or nowhere when `quiet`); returns its exit status (null when it could not start). */
  run(command, args, quiet = false) {
    const result = spawnSync(command, args, { stdio: quiet ? 'ignore' : ['ignore', process.stderr, process.stderr] });
    return result.error ? null : result.status;
  },
  log: (line) => void process.stderr.write(`${line}\n`),
};

/**
 * Ensures `path` is an executable Chromium: nothing to do when it is; else `apt-get install chromium`
 * (after `apt-get update` if the first try fails), as root or through `sudo -n`. Throws a clear error
 * when it cannot be installed.
 */
export function ensureChromium(sys = system, path = CHROMIUM) {
  if (sys.executable(path)) return 'present';
  const manual = `install Debian's chromium package yourself (sudo apt-get install chromium) so that ${path} exists, then run npm test again`;
  const sudo = !sys.isRoot();
  if (sys.run(sudo ? 'sudo' : 'apt-get', sudo ? ['-n', 'true'] : ['--version'], true) !== 0) {
    throw new Error(`the browser tests need Chromium at ${path}, which is missing, and apt-get ${sudo ? 'needs root (sudo -n is not allowed here)' : 'is not available'}: ${manual}`);
  }
  const aptGet = (args) => (sudo ? sys.run('sudo', ['-n', 'apt-get', ...args]) : sys.run('apt-get', args));
  sys.log(`test prerequisites: ${path} is missing; installing Debian's chromium for the browser tests (apt-get install chromium)`);
  if (aptGet(APT) !== 0) {
    sys.log('test prerequisites: retrying after apt-get update');
    if (aptGet(['-o', 'DPkg::Lock::Timeout=300', 'update']) !== 0 || aptGet(APT) !== 0) {
      throw new Error(`the browser tests need Chromium at ${path}, and apt-get install chromium failed (its output is above): ${manual}`);
    }
  }
  if (!sys.executable(path)) throw new Error(`apt-get installed chromium, but ${path} is still missing or not executable: ${manual}`);
  return 'installed';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    if (ensureChromium() === 'installed') system.log(`test prerequisites: ${CHROMIUM} installed`);
  } catch (e) {
    system.log(`error: ${e.message}`);
    process.exitCode = 1;
  }
}
