// The incident record's files, lock and seal, through its library API.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyEvidence } from '../../src/evidence/index.ts';
import { IncidentRecord, lockPath, takeLock } from '../../src/replay/record.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const info = (id: string) => ({ request_id: id, command: 'replay one', argv: ['replay', 'one'], scope: { provider: 'smartlead' }, dry_run: false });

describe('incident record', () => {
  it('writes calls scrubbed, seals with the evidence manifest, and picks up earlier runs', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'slogate-record-'));
    const inc = path.join(dir, 'incident');
    const rec = await IncidentRecord.open(inc, info('req-1'), ['secret-token-123']);
    rec.call({ endpoint: 'events', method: 'GET', path: '/e', status: 200, response: '{"echo":"Bearer secret-token-123","err":"no lead a.person@example.com"}', ms: 3, rate_limited: 0 });
    rec.journal({ type: 'single_verified', run: rec.runId, single: { provider: 'smartlead', org_id: 'o', company_id: 'c', event_key: 'k1' }, at: 'x' });
    await rec.finish('done', 0, {});
    const calls = readFileSync(path.join(rec.runDir, 'calls.jsonl'), 'utf8');
    expect(calls).not.toContain('secret-token-123');
    expect(calls).not.toContain('a.person@example.com');
    expect(calls).toContain('[token]');
    const v = await verifyEvidence(inc);
    expect(v.manifest).toMatchObject({ kind: 'incident', request_ids: ['req-1'], outcome: 'done' });
    expect(v.drift).toEqual({ changed: [], missing: [], extra: [], claims: [] });
    expect(existsSync(lockPath(inc))).toBe(false);

    const next = await IncidentRecord.open(inc, info('req-2'), []);
    expect(next.runId).toBe('002_req-2');
    expect(next.state.singles.map((s) => s.event_key)).toEqual(['k1']);
    expect(next.unsealedBefore).toBeNull();
    await next.finish('done', 0, {});
    expect((await verifyEvidence(inc)).manifest).toMatchObject({ request_ids: ['req-1', 'req-2'] });
  });

  it('one run at a time: a live holder refuses, a dead one is taken over', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'slogate-record-'));
    const inc = path.join(dir, 'incident');
    const rec = await IncidentRecord.open(inc, info('a'), []);
    await expect(IncidentRecord.open(inc, info('b'), [])).rejects.toThrow(new RegExp(`in use by process ${process.pid}`));
    rec.release();
    writeFileSync(lockPath(inc), '2147483646\n'); // no such process
    const release = takeLock(inc);
    expect(readFileSync(lockPath(inc), 'utf8').trim()).toBe(String(process.pid));
    release();
    expect(existsSync(lockPath(inc))).toBe(false);
  });

  it('refuses a folder that is not an incident record, and notices an unsealed one', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'slogate-record-'));
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    await expect(IncidentRecord.open(dir, info('a'), [])).rejects.toThrow(/is not an incident record \(no journal.jsonl\)/);
    const inc = path.join(dir, 'incident');
    const rec = await IncidentRecord.open(inc, info('a'), []);
    rec.release(); // killed: never finished, never sealed
    const again = await IncidentRecord.open(inc, info('b'), []);
    expect(again.unsealedBefore).toMatch(/never sealed/);
    again.release();
  });
});
