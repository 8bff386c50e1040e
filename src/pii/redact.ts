// Redaction of arbitrary text (API answers, log snippets) with the scanner's own detectors:
// every PII value becomes the redacted form the scan reports, the rest of the text is kept whole.
import type { PiiCategory } from '../contract/metrics.ts';
import { detectLine } from './detect.ts';

export interface Redacted {
  text: string;
  /** Values replaced. */
  findings: number;
  categories: PiiCategory[];
}

export function redactText(text: string): Redacted {
  let findings = 0;
  const cats = new Set<PiiCategory>();
  const lines = text.split('\n').map((line) => {
    const found = detectLine(line).sort((a, b) => a.start - b.start);
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
  return { text: lines.join('\n'), findings, categories: [...cats].sort() };
}
