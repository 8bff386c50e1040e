// Runs bin/slogate as a user would and captures the outcome.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/slogate`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function slogate(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Run {
  const r = spawnSync(BIN, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the event loop (for tests that also serve HTTP). */
export async function slogateAsync(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(BIN, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The first `count` lines a running `slogate simulate` prints (its instances' URLs); rejects if it exits first, with its stderr. */
export function simulatorUrls(child: ChildProcess, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const got: string[] = [];
    let err = '';
    child.stderr?.on('data', (c) => (err += c));
    createInterface({ input: child.stdout! }).on('line', (l) => {
      got.push(l);
      if (got.length === count) resolve(got);
    });
    child.once('exit', (code) => reject(new Error(`simulate exited ${code}: ${err}`)));
  });
}
