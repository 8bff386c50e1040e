// Which runbook a command works on: `--runbook PATH`, else package.json's
// `"slogate": { "runbook": PATH }` in the working directory, else slogate.config.ts (or .js,
// .mjs) exporting `{ runbook: PATH }`, else the flagship webhook-delivery runbook shipped
// with slogate. The module is loaded here, at the edge,
// and the value is passed down: the library never imports a runbook.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../contract/errors.ts';
import { runbookBaseFromRepository, type Runbook } from '../contract/runbook.ts';
import { definitionErrorLine } from './load-errors.ts';

const SLOGATE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// from source the flagship is TypeScript; in the installed package it is compiled next to us
const CONFIG_FILES = ['slogate.config.ts', 'slogate.config.mts', 'slogate.config.js', 'slogate.config.mjs'];

const FLAGSHIP = fileURLToPath(new URL(`../../runbooks/webhook-delivery/index.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));

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
  for (const name of CONFIG_FILES) {
    const file = resolve(cwd, name);
    if (!existsSync(file)) continue;
    let config: { default?: { runbook?: unknown }; runbook?: unknown };
    try {
      config = (await importModule(file)) as typeof config;
    } catch (e) {
      throw new UserError(`${file}: failed to load: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}`);
    }
    const configured = config.default?.runbook ?? config.runbook;
    if (typeof configured !== 'string' || !configured) throw new UserError(`${file}: export default { runbook: 'path/to/runbook.ts' }`);
    return resolve(dirname(file), configured);
  }
  return FLAGSHIP;
}

/**
 * A runbook written in TypeScript is loaded with tsx's `tsImport` (tsx is a dependency and
 * compiles on load, for this one module tree only); JavaScript runbooks are imported as they are.
 * Loaded on demand, so commands that need no runbook (`--version`) never pay for it.
 */
export async function importModule(path: string): Promise<{ default?: unknown; runbook?: unknown }> {
  const url = pathToFileURL(path).href;
  if (!/\.[cm]?tsx?$/.test(path)) return import(url);
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(url, import.meta.url);
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
    mod = await importModule(path);
  } catch (e) {
    // a syntax error or a bad value in a definition: name its file, line and field
    const where = definitionErrorLine(e, cwd) ?? definitionErrorLine(e, SLOGATE_ROOT);
    if (where) throw new UserError(where);
    throw new UserError(`${path}: the runbook module failed to load: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}`);
  }
  const rb = isRunbook(mod.default) ? mod.default : mod.runbook;
  if (!isRunbook(rb)) throw new UserError(`${path}: exports no runbook (export default defineRunbook({...}))`);
  if (rb.runbookBaseUrl) return rb;
  // no runbookBaseUrl: the alert pages live in the user's own repository
  return { ...rb, runbookBaseUrl: await defaultRunbookBaseUrl(cwd) };
}

/** The runbook pages' base when a runbook sets none: the project's package.json `repository`, else `docs/runbooks`. */
export async function defaultRunbookBaseUrl(cwd = process.cwd()): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(resolve(cwd, 'package.json'), 'utf8')) as { repository?: unknown };
    return runbookBaseFromRepository(pkg.repository) ?? 'docs/runbooks';
  } catch {
    return 'docs/runbooks';
  }
}
