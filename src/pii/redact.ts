// Redaction of arbitrary text (API answers, log snippets) with the scanner's own detectors:
// every PII value becomes the redacted form the scan reports, the rest of the text is kept whole.
import type { PiiCategory } from '../contract/metrics.ts';
import { NEEDLES, detectLine } from './detect.ts';

export interface Redacted {
  text: string;
  /** Values replaced. */
  findings: number;
  categories: PiiCategory[];
}

// A long JSON line (an API answer) is cut between array elements, so each piece keeps its own
// keys for the key-aware detectors and no detector scans the whole answer for every hit.
const LONG_LINE = 4096;
function piecesOf(line: string): string[] {
  if (line.length <= LONG_LINE) return [line];
  const out: string[] = [];
  let from = 0;
  for (let at = line.indexOf('},{', from); at !== -1; at = line.indexOf('},{', at + 3)) {
    out.push(line.slice(from, at + 2));
    from = at + 2;
  }
  out.push(line.slice(from));
  return out;
}

export function redactText(text: string): Redacted {
  let findings = 0;
  const cats = new Set<PiiCategory>();
  const lines = text.split('\n').flatMap((l) => [...piecesOf(l), '\n']).map((line) => {
    if (line === '\n') return line;
    // the scanner's cheap needles say which detectors the line needs; most lines need none
    let need = 0;
    for (const { re, bit } of NEEDLES) {
      re.lastIndex = 0;
      for (let m = re.exec(line); m; m = re.exec(line)) need |= bit(m[0]);
    }
    if (!need) return line;
    const found = detectLine(line, undefined, need).sort((a, b) => a.start - b.start);
    if (!found.length) return line;
    let out = '';
    let pos = 0;
    for (const f of found) {
      if (f.start < pos) continue; // overlaps a value already replaced
      out += line.slice(pos, f.start) + f.redacted;
      pos = f.end;
      findings++;
      cats.add(f.category);
    }
    return out + line.slice(pos);
  });
  return { text: lines.join('').slice(0, -1), findings, categories: [...cats].sort() };
}
