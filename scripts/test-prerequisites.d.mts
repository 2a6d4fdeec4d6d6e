/** Types of test-prerequisites.mjs (plain JavaScript so that it runs before any build), for its test. */
export interface PrerequisiteSystem {
  executable(path: string): boolean;
  exists(path: string): boolean;
  isRoot(): boolean;
  /** Exit status, or null when the command could not start; `quiet` discards its output. */
  run(command: string, args: readonly string[], quiet?: boolean): number | null;
  log(line: string): void;
}
export interface Prerequisite {
  package: string;
  paths: readonly string[];
  program: boolean;
  purpose: string;
}
export const CHROMIUM: string;
export const PREREQUISITES: readonly Prerequisite[];
export const system: PrerequisiteSystem;
export function ensurePackage(prerequisite: Prerequisite, sys?: PrerequisiteSystem): 'present' | 'installed';
export function ensureChromium(sys?: PrerequisiteSystem, path?: string): 'present' | 'installed';
