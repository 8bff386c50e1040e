// Runs bin/slogate as a user would and captures the outcome.
import { spawnSync } from 'node:child_process';
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
