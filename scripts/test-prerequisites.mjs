#!/usr/bin/env node
/**
 * `npm test`'s pretest step: what the tests need from the system, installed when missing. Today that is
 * - Debian's Chromium at /usr/bin/chromium, which the real-browser tests drive with playwright-core (no
 *   browser download), and whose SwiftShader Vulkan driver gives the WebGPU tests an adapter;
 * - the Vulkan loader (libvulkan1), which the `webgpu` devDependency (Dawn) loads in Node to reach that driver.
 * Where one is missing and apt-get is usable (root, or passwordless sudo), it is installed; where it cannot be,
 * this fails with a message saying what to install: never a silent skip.
 * Plain JavaScript, so it runs before anything is built.
 */

import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian packages the tests need: a package is present when any of its `paths` is (executable, for a program). */
export const PREREQUISITES = [
  { package: 'chromium', paths: [CHROMIUM], program: true, purpose: 'the browser tests need Chromium' },
  {
    package: 'libvulkan1',
    paths: ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'],
    program: false,
    purpose: "the WebGPU tests in Node need the Vulkan loader (libvulkan.so.1) for SwiftShader",
  },
];

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
  exists(path) {
    try {
      accessSync(path, constants.F_OK);
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
 * Ensures a Debian package's file is there: nothing to do when it is; else `apt-get install <package>` (after
 * `apt-get update` if the first try fails), as root or through `sudo -n`. Throws a clear error when it cannot
 * be installed.
 */
export function ensurePackage(prerequisite, sys = system) {
  const { package: name, paths, program, purpose } = prerequisite;
  const present = () => paths.some((p) => (program ? sys.executable(p) : sys.exists(p)));
  if (present()) return 'present';
  const where = paths.length === 1 ? paths[0] : paths.join(' or ');
  const manual = `install Debian's ${name} package yourself (sudo apt-get install ${name}) so that ${where} exists, then run npm test again`;
  const sudo = !sys.isRoot();
  if (sys.run(sudo ? 'sudo' : 'apt-get', sudo ? ['-n', 'true'] : ['--version'], true) !== 0) {
    throw new Error(`${purpose} at ${where}, which is missing, and apt-get ${sudo ? 'needs root (sudo -n is not allowed here)' : 'is not available'}: ${manual}`);
  }
  const install = ['-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', 'install', name];
  const aptGet = (args) => (sudo ? sys.run('sudo', ['-n', 'apt-get', ...args]) : sys.run('apt-get', args));
  sys.log(`test prerequisites: ${where} is missing; installing Debian's ${name} (apt-get install ${name})`);
  if (aptGet(install) !== 0) {
    sys.log('test prerequisites: retrying after apt-get update');
    if (aptGet(['-o', 'DPkg::Lock::Timeout=300', 'update']) !== 0 || aptGet(install) !== 0) {
      throw new Error(`${purpose} at ${where}, and apt-get install ${name} failed (its output is above): ${manual}`);
    }
  }
  if (!present()) throw new Error(`apt-get installed ${name}, but ${where} is still missing${program ? ' or not executable' : ''}: ${manual}`);
  return 'installed';
}

/** Chromium at `path` (the browser tests' prerequisite). */
export function ensureChromium(sys = system, path = CHROMIUM) {
  return ensurePackage({ ...PREREQUISITES[0], paths: [path] }, sys);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    for (const prerequisite of PREREQUISITES) {
      if (ensurePackage(prerequisite) === 'installed') system.log(`test prerequisites: ${prerequisite.package} installed`);
    }
  } catch (e) {
    system.log(`error: ${e.message}`);
    process.exitCode = 1;
  }
}
