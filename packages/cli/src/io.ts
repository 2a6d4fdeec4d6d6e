/** Where the CLI writes and what it knows of its environment: the process, or a test's capture. */

export interface OutputStream {
  write(text: string): unknown;
  /** True when a terminal shows this stream (progress bars are drawn only then). */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr };
}
