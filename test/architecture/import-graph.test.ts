// The layers run one way: contract/types -> runbook definitions -> engines -> CLI. Read from
// the import graph of the sources (static, dynamic and type-only imports all count).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arrows, cycles, importGraph } from '../../scripts/import-graph.ts';

const ROOT = join(import.meta.dirname, '../..');
const graph = importGraph(ROOT, ['src', 'runbooks']);

/** The shapes everything else is built from: no behaviour, no policy. */
const CONTRACT = (f: string) => f.startsWith('src/contract/') || f === 'src/slo/types.ts' || f === 'src/rules/alert.ts';
const CLI = (f: string) => f.startsWith('src/cli/');
const RUNBOOK = (f: string) => f.startsWith('runbooks/');
const LIBRARY = (f: string) => f.startsWith('src/') && !CLI(f);
const ENGINE = (f: string) => LIBRARY(f) && !CONTRACT(f);

describe('import graph', () => {
  it('reads the sources (a graph of a few files would prove nothing)', () => {
    expect(graph.edges.size).toBeGreaterThan(80);
    expect(graph.edges.get('src/gate/run.ts')).toContain('src/gate/decide.ts');
  });

  it('has no import circles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('no engine imports a runbook: runbooks are passed in', () => {
    expect(arrows(graph, ENGINE, RUNBOOK)).toEqual([]);
  });

  it('the library never imports the CLI', () => {
    expect(arrows(graph, LIBRARY, CLI)).toEqual([]);
  });

  it('the CLI loads a runbook by path, never by import', () => {
    expect(arrows(graph, CLI, RUNBOOK)).toEqual([]);
  });

  it('the contract imports nothing but the contract', () => {
    expect(arrows(graph, CONTRACT, (f) => !CONTRACT(f))).toEqual([]);
  });

  it('a runbook never imports the CLI', () => {
    expect(arrows(graph, RUNBOOK, CLI)).toEqual([]);
  });

  it('finds a planted circle and a planted layer arrow', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slogate-graph-'));
    try {
      await mkdir(join(dir, 'src/gate'), { recursive: true });
      await mkdir(join(dir, 'runbooks/x'), { recursive: true });
      await writeFile(join(dir, 'src/gate/a.ts'), "import { b } from './b.ts';\nexport const a = 1;\n");
      await writeFile(join(dir, 'src/gate/b.ts'), "import type { a } from './a.ts';\nexport const b = async () => import('../../runbooks/x/index.ts');\n");
      await writeFile(join(dir, 'runbooks/x/index.ts'), 'export default {};\n');
      const g = importGraph(dir, ['src', 'runbooks']);
      expect(cycles(g)).toEqual([['src/gate/a.ts', 'src/gate/b.ts']]);
      expect(arrows(g, ENGINE, RUNBOOK)).toEqual(['src/gate/b.ts -> runbooks/x/index.ts']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
