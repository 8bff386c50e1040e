import type { AllowList } from './allowlist.ts';
import type { ScanResult } from './index.ts';
export interface LokiScanOptions {
  url: string;
  query: string;
  since?: string;
  allow?: AllowList;
  maxFindings?: number;
  evidenceLines?: number;
}
export async function scanLoki(_opts: LokiScanOptions): Promise<ScanResult> {
  throw new Error('not implemented yet');
}
