// npm test's pretest step (scripts/test-prerequisites.mjs) on simulated systems: what it runs, and that a
// Chromium it cannot install is an error naming what to do (the browser tests never skip silently).
import { describe, expect, it } from 'vitest';
import { CHROMIUM, ensureChromium, ensurePackage, PREREQUISITES, system, type PrerequisiteSystem } from '../scripts/test-prerequisites.mjs';

interface Fake extends PrerequisiteSystem {
  commands: string[];
}

/** A system where `results` answers each command (by its text; default 0) and apt-get install creates Chromium if `installs`. */
function fake(options: { present?: boolean; root?: boolean; installs?: boolean; results?: Record<string, number | null> }): Fake {
  let present = options.present ?? false;
  const commands: string[] = [];
  return {
    commands,
    executable: (path) => path === CHROMIUM && present,
    exists: () => false,
    isRoot: () => options.root ?? true,
    run(command, args) {
      const text = [command, ...args].join(' ');
      commands.push(text);
      const results = options.results ?? {};
      const status = text in results ? results[text] : 0;
      if (status === 0 && / install chromium$/.test(text) && (options.installs ?? true)) present = true;
      return status;
    },
    log: () => {},
  };
}

const INSTALL = 'apt-get -y --no-install-recommends -o DPkg::Lock::Timeout=300 install chromium';
const UPDATE = 'apt-get -o DPkg::Lock::Timeout=300 update';

describe('test prerequisites: Chromium for the browser tests', () => {
  it('does nothing when /usr/bin/chromium is there', () => {
    const sys = fake({ present: true });
    expect(ensureChromium(sys)).toBe('present');
    expect(sys.commands).toEqual([]);
  });

  it('installs Debian\'s chromium as root when it is missing', () => {
    const sys = fake({});
    expect(ensureChromium(sys)).toBe('installed');
    expect(sys.commands).toEqual(['apt-get --version', INSTALL]);
  });

  it('runs apt-get update and tries again when the first install fails (stale package lists)', () => {
    let tries = 0;
    const sys = fake({});
    const run = sys.run.bind(sys);
    sys.run = (command, args) => (command === 'apt-get' && args.at(-1) === 'chromium' && tries++ === 0 ? (sys.commands.push(INSTALL), 100) : run(command, args));
    expect(ensureChromium(sys)).toBe('installed');
    expect(sys.commands).toEqual(['apt-get --version', INSTALL, UPDATE, INSTALL]);
  });

  it('uses passwordless sudo when not root', () => {
    const sys = fake({ root: false });
    expect(ensureChromium(sys)).toBe('installed');
    expect(sys.commands).toEqual(['sudo -n true', `sudo -n ${INSTALL}`]);
  });

  it('installs the Vulkan loader for the WebGPU tests the same way, present when any architecture\'s library is there', () => {
    const vulkan = PREREQUISITES.find((p) => p.package === 'libvulkan1');
    expect(vulkan).toBeDefined();
    if (!vulkan) return;
    let installed = false;
    const commands: string[] = [];
    const sys: PrerequisiteSystem = {
      executable: () => false,
      exists: (path) => installed && path === vulkan.paths[0],
      isRoot: () => true,
      run(command, args) {
        commands.push([command, ...args].join(' '));
        if (args.at(-1) === 'libvulkan1') installed = true;
        return 0;
      },
      log: () => {},
    };
    expect(ensurePackage(vulkan, sys)).toBe('installed');
    expect(commands).toEqual(['apt-get --version', 'apt-get -y --no-install-recommends -o DPkg::Lock::Timeout=300 install libvulkan1']);
    expect(ensurePackage(vulkan, sys)).toBe('present');
    expect(() => ensurePackage(vulkan, { ...sys, exists: () => false })).toThrow(/apt-get installed libvulkan1, but .*libvulkan\.so\.1.* is still missing: install Debian's libvulkan1/);
  });

  it('fails with what to install when it cannot: no apt-get, no sudo, install failure, package without the binary', () => {
    expect(() => ensureChromium(fake({ results: { 'apt-get --version': null } }))).toThrow(
      /^the browser tests need Chromium at \/usr\/bin\/chromium, which is missing, and apt-get is not available: install Debian's chromium package yourself \(sudo apt-get install chromium\)/,
    );
    expect(() => ensureChromium(fake({ root: false, results: { 'sudo -n true': 1 } }))).toThrow(/apt-get needs root \(sudo -n is not allowed here\): install Debian's chromium/);
    expect(() => ensureChromium(fake({ results: { [INSTALL]: 100 } }))).toThrow(/apt-get install chromium failed \(its output is above\): install Debian's chromium/);
    expect(() => ensureChromium(fake({ installs: false }))).toThrow(/apt-get installed chromium, but \/usr\/bin\/chromium is still missing or not executable/);
  });

  it('checks the real path on this machine the way the browser tests need it', () => {
    expect(CHROMIUM).toBe('/usr/bin/chromium');
    expect(system.executable('/bin/sh')).toBe(true);
    expect(system.executable('/nonexistent/chromium')).toBe(false);
    expect(system.exists('/etc/passwd')).toBe(true);
    expect(system.exists('/nonexistent/libvulkan.so.1')).toBe(false);
    expect(system.run('sh', ['-c', 'exit 3'])).toBe(3);
    expect(system.run('/nonexistent/command', [])).toBeNull();
  });
});
