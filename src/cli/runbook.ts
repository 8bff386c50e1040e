// Which runbook a command works on: `--runbook PATH`, else package.json's
// `"slogate": { "runbook": PATH }` in the working directory, else the flagship
// webhook-delivery runbook shipped with slogate. The module is loaded here, at the edge,
// and the value is passed down: the library never imports a runbook.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../contract/errors.ts';
import type { Runbook } from '../contract/runbook.ts';

const FLAGSHIP = fileURLToPath(new URL('../../runbooks/webhook-delivery/index.ts', import.meta.url));

/** The runbook module's path: the flag, the project's package.json setting, or the flagship. */
export async function runbookPath(flag?: string, cwd = process.cwd()): Promise<string> {
  if (flag) return resolve(cwd, flag);
  const pkgFile = resolve(cwd, 'package.json');
  if (existsSync(pkgFile)) {
    let pkg: { slogate?: { runbook?: unknown } };
    try {
      pkg = JSON.parse(await readFile(pkgFile, 'utf8'));
    } catch (e) {
      throw new UserError(`${pkgFile}: invalid JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    const configured = pkg.slogate?.runbook;
    if (configured !== undefined) {
      if (typeof configured !== 'string' || !configured) throw new UserError(`${pkgFile}: "slogate.runbook" must be a path to a runbook module`);
      return resolve(cwd, configured);
    }
  }
  return FLAGSHIP;
}

const isRunbook = (v: unknown): v is Runbook => {
  const r = v as Partial<Runbook> | null;
  return !!r && typeof r === 'object' && Array.isArray(r.alertGroups) && Array.isArray(r.slos) && Array.isArray(r.phases) && !!r.gates && !!r.windows && !!r.metrics;
};

/** Loads a runbook module (default export, or `export const runbook`). Bad paths are one-line UserErrors. */
export async function loadRunbook(flag?: string, cwd = process.cwd()): Promise<Runbook> {
  const path = await runbookPath(flag, cwd);
  if (!existsSync(path)) throw new UserError(`${path}: no such runbook module`);
  let mod: { default?: unknown; runbook?: unknown };
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (e) {
    throw new UserError(`${path}: the runbook module failed to load: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}`);
  }
  const rb = isRunbook(mod.default) ? mod.default : mod.runbook;
  if (!isRunbook(rb)) throw new UserError(`${path}: exports no runbook (export default defineRunbook({...}))`);
  return rb;
}
