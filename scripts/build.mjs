// npm run build: compile src/ and runbooks/ to dist/ (JavaScript + .d.ts), then copy the
// files the compiled code reads at run time (report templates, JSON schemas) beside it.
// Plain JavaScript, so it runs wherever npm does (npm pack runs it through prepack).
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
// src/report/render.ts reads ../../templates and src/slo/validate.ts ../../schemas: from dist/src/* that is dist/
for (const dir of ['templates', 'schemas']) cpSync(join(root, dir), join(root, 'dist', dir), { recursive: true });
