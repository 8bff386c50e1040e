// Scan worker: receives units (files or byte ranges), returns one UnitResult per unit.
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../contract/errors.ts';
import { compileAllowList } from './allow-match.ts';
import { detectContext } from './detect.ts';
import { compilePolicy } from './policy.ts';
import { scanUnit, unitReference, type ReadUnit } from './reader.ts';
import { Tally } from './tally.ts';
import type { WorkerData, WorkerReply, WorkerTask } from './scan.ts';

const data = workerData as WorkerData;
const detect = detectContext(compilePolicy(data.policy), compileAllowList(data.allow));
const preExisting = data.preExisting ? new Set(data.preExisting) : undefined;
const key = Buffer.from(data.keyHex, 'hex');
const port = parentPort!;

port.on('message', async (task: WorkerTask) => {
  if (task.type === 'exit') {
    port.close();
    return;
  }
  const claim = new Int32Array(task.claim);
  for (let id = Atomics.add(claim, 0, 1); id < task.units.length; id = Atomics.add(claim, 0, 1)) {
    if (!(await scanOne(id, task.units[id]))) break;
  }
  port.postMessage({ type: 'idle' } satisfies WorkerReply);
});

/** Scans one unit and posts its result; false after an error that ends the scan. */
async function scanOne(id: number, unit: ReadUnit): Promise<boolean> {
  const tally = new Tally(unit.display, { detect, preExisting, key, maxFindings: data.maxFindings, evidenceLines: data.evidenceLines, window: data.window, reference: unitReference(unit, data.reference) });
  let pendingBytes = 0;
  try {
    await scanUnit(unit, tally, (n) => {
      pendingBytes += n;
      if (pendingBytes >= 4 << 20) {
        port.postMessage({ type: 'progress', bytes: pendingBytes, findings: tally.result.pii_leaks } satisfies WorkerReply);
        pendingBytes = 0;
      }
    });
    port.postMessage({ type: 'done', id, bytes: pendingBytes, result: tally.finish() } satisfies WorkerReply);
  } catch (err) {
    if (err instanceof UserError) {
      // a read error ends this file only: what was found before it goes back with it
      port.postMessage({ type: 'done', id, bytes: pendingBytes, result: tally.finish(err.message) } satisfies WorkerReply);
      return true;
    }
    port.postMessage({ type: 'error', id, message: (err as Error).message, exitCode: 70 } satisfies WorkerReply);
    return false;
  }
  return true;
}
