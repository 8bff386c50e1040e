// The runbook's five PII patterns ("PII Compliance Scan"), used as baselines by the benchmark and
// the accuracy scoring. `literal` is what `grep -E` gets when the runbook is run as written;
// `intended` is the same text run by an engine that knows \d, \s and (?:) (ripgrep).
// The username pattern's `["\']` is shell-quoting damage in the runbook; both use ["'].
import type { PiiCategory } from '../src/contract/metrics.ts';

export interface RunbookPattern {
  category: PiiCategory;
  literal: string;
  intended: string;
}

const p = (category: PiiCategory, re: string): RunbookPattern => ({ category, literal: re, intended: re });

export const RUNBOOK_PATTERNS: RunbookPattern[] = [
  p('email', String.raw`\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}\b`),
  p('username', String.raw`\b(username|user_name):\s*["']?[A-Za-z0-9_-]+["']?`),
  p('ip', String.raw`\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b`),
  p('phone', String.raw`\b(\+?1?[-.\s]?)?\(?\d{3}\)?[-.\s]?\d{3}[-.\s]?\d{4}\b`),
  p('card', String.raw`\b\d{4}[-\s]?\d{4}[-\s]?\d{4}[-\s]?\d{4}\b`),
];
