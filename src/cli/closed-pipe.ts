// `slogate … | head`: once the reader of stdout is gone, nothing more can be said. Most commands
// stop at once and quietly (no EPIPE stack trace) with the exit code they had so far; a command
// that must not stop between an action and its record (replay) keeps running and drops output.

let exitOnClosedPipe = true;
const guarded = new WeakSet<NodeJS.WriteStream>();

/** Installs the handler, once per stream: main() may run many times in one process (tests, embedding). */
export function quietOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (c) => process.exit(c)): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
    if (exitOnClosedPipe) exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

/** For the rest of this process a closed pipe drops output and the command runs to its end. */
export function keepRunningOnClosedPipe(): void {
  exitOnClosedPipe = false;
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
}
