// Turns PATH_OR_GLOB arguments into a sorted list of files (or standard input).
// Node 20 has no fs.glob, so globs are a recursive readdir plus a small matcher.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UserError } from '../contract/errors.ts';

/** `error`: a file found inside a directory or glob that cannot be read (a dangling link): scanned as a read error, beside the others. */
export type Input = { kind: 'stdin' } | { kind: 'file'; path: string; size: number; /** Last written, unix seconds. */ mtime?: number; error?: string };

const GLOB_CHARS = /[*?[]/;

/** Converts a glob (`*`, `?`, `[abc]`, `**`) to an anchored RegExp over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches everything below
        if (glob[i + 2] === '/') {
          re += '(?:[^/]*/)*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) throw new UserError(`bad glob '${glob}': unclosed '['`, 2);
      let body = glob.slice(i + 1, close);
      if (body[0] === '!') body = '^' + body.slice(1);
      re += '[' + body.replace(/\\/g, '\\\\') + ']';
      i = close;
    } else {
      re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
  }
  try {
    return new RegExp(`^${re}$`);
  } catch {
    throw new UserError(`bad glob '${glob}'`, 2);
  }
}

/**
 * Every file below `root`, sorted. Symlinks are followed, to files and to directories (log
 * directories are often links, e.g. `current -> 2025-11-13`); a directory already visited (by its
 * device and inode) is skipped, so a symlink loop ends instead of recursing. A dangling link is kept
 * so it fails loudly instead of reading as clean.
 */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const visited = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      const s = await stat(dir);
      const id = `${s.dev}:${s.ino}`;
      if (visited.has(id)) return;
      visited.add(id);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw new UserError(`cannot read directory ${dir}: ${(err as NodeJS.ErrnoException).code}`, 2);
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isFile()) out.push(path);
      else if (e.isDirectory()) await visit(path);
      else if (e.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        if (!target || target.isFile()) out.push(path);
        else if (target.isDirectory()) await visit(path);
      }
    }
  };
  await visit(root);
  return out.sort();
}

async function fileInput(path: string): Promise<Input> {
  try {
    const s = await stat(path);
    return { kind: 'file', path, size: s.size, mtime: s.mtimeMs / 1000 };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file (dangling link?)' : code}`, 2);
  }
}

/** Resolves arguments in order; a missing path, an unreadable directory or a glob with no match is an error. */
export async function resolveInputs(args: string[]): Promise<Input[]> {
  if (args.length === 0) throw new UserError('pii-scan: give at least one PATH_OR_GLOB (or - for standard input)', 2);
  const out: Input[] = [];
  const seen = new Set<string>();
  /** A file found by a walk or a glob: one that cannot be stat'ed is a read error of the scan, not of the command line. */
  const push = async (p: string) => {
    if (seen.has(p)) return;
    seen.add(p);
    try {
      out.push(await fileInput(p));
    } catch (err) {
      out.push({ kind: 'file', path: p, size: 0, error: (err as Error).message });
    }
  };
  for (const arg of args) {
    if (arg === '-') {
      out.push({ kind: 'stdin' });
      continue;
    }
    if (GLOB_CHARS.test(arg)) {
      const parts = arg.split('/');
      const firstGlob = parts.findIndex((p) => GLOB_CHARS.test(p));
      const base = parts.slice(0, firstGlob).join('/') || (arg.startsWith('/') ? '/' : '.');
      const re = globToRegExp(parts.slice(firstGlob).join('/'));
      let files: string[];
      try {
        files = (await stat(base)).isDirectory() ? await walk(base) : [];
      } catch (err) {
        if (err instanceof UserError) throw err;
        files = [];
      }
      const matched = files.filter((f) => re.test(relative(base, f).split(sep).join('/')));
      if (matched.length === 0) throw new UserError(`no files match '${arg}'`, 2);
      for (const f of matched) await push(base === '.' && !arg.startsWith('./') ? relative('.', f) : f);
      continue;
    }
    let s;
    try {
      s = await stat(arg);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(`cannot read ${arg}: ${code === 'ENOENT' ? 'no such file or directory' : code}`, 2);
    }
    if (s.isDirectory()) {
      for (const f of await walk(arg)) await push(f);
    } else if (!seen.has(arg)) {
      seen.add(arg);
      out.push(await fileInput(arg));
    }
  }
  return out;
}
