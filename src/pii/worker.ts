// Scan worker: receives units (files or byte ranges), returns one UnitResult per unit.
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../contract/errors.ts';
import { compileAllowList } from './allow-match.ts';
import { scanUnit, type ReadUnit } from './reader.ts';
import { Tally } from './tally.ts';
import type { WorkerData, WorkerReply, WorkerTask } from './scan.ts';

const data = workerData as WorkerData;
const allow = compileAllowList(data.allow);
const key = Buffer.from(data.keyHex, 'hex');
const port = parentPort!;

port.on('message', async (task: WorkerTask) => {
  if (task.type === 'exit') {
    port.close();
    return;
  }
  const unit: ReadUnit = task.unit;
  const tally = new Tally(unit.display, { allow, key, maxFindings: data.maxFindings, evidenceLines: data.evidenceLines, window: data.window });
  let pendingBytes = 0;
  try {
    await scanUnit(unit, tally, (n) => {
      pendingBytes += n;
      if (pendingBytes >= 4 << 20) {
        port.postMessage({ type: 'progress', bytes: pendingBytes, findings: tally.result.pii_leaks } satisfies WorkerReply);
        pendingBytes = 0;
      }
    });
    port.postMessage({ type: 'done', id: task.id, bytes: pendingBytes, result: tally.finish() } satisfies WorkerReply);
  } catch (err) {
    if (err instanceof UserError) {
      // a read error ends this file only: what was found before it goes back with it
      port.postMessage({ type: 'done', id: task.id, bytes: pendingBytes, result: tally.finish(err.message) } satisfies WorkerReply);
      return;
    }
    port.postMessage({ type: 'error', id: task.id, message: (err as Error).message, exitCode: 70 } satisfies WorkerReply);
  }
});
