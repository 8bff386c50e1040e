// Runs the CLI inside the test process (so nock can answer for servers that can't run here,
// such as Grafana), capturing what it writes and restoring the streams and exit code after.
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

export async function slogateInProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'slogate', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}
