// Deterministic incidents for the reference API: per scope, campaigns with leads and a stream
// of events, some of which failed on arrival (the missed updates a replay must repair).
import type { EventPayload, EventType, WebhookStore } from './store.ts';

export interface SeedScope {
  provider: string;
  org: string;
  company: string;
  campaigns: number;
  leadsPerCampaign: number;
  events: number;
  /** Every n-th event of the scope failed on arrival (0: none). */
  failEvery: number;
}

export interface SeedSpec {
  /** created_at of the first event. */
  start: string;
  /** Time between two events of one scope. */
  stepMs: number;
  scopes: SeedScope[];
}

const LEAD_STATUSES = ['contacted', 'opened', 'replied', 'interested', 'meeting_booked', 'unsubscribed'];
const CAMPAIGN_STATUSES = ['active', 'paused', 'active', 'completed'];
// failure reasons as a real service logs them; one names the lead's address so redaction has work to do
const ERRORS = ['provider fetch timed out after 10s', 'provider responded 503 Service Unavailable', 'lead not found for reply from {email}', 'deadlock detected while applying event'];

/** A key unique per provider: the scope and the event's ordinal. */
export const eventKey = (s: SeedScope, i: number) => `evt-${s.org}-${s.company}-${String(i).padStart(6, '0')}`;
export const campaignId = (s: SeedScope, c: number) => `cmp-${s.org}-${s.company}-${c}`;
export const leadId = (s: SeedScope, c: number, l: number) => `lead-${s.org}-${s.company}-${c}-${l}`;

export function seedStore(store: WebhookStore, spec: SeedSpec): { events: number; failed: number } {
  const t0 = Date.parse(spec.start);
  let events = 0;
  let failed = 0;
  store.db.transaction(() => {
    for (const s of spec.scopes) {
      for (let c = 0; c < s.campaigns; c++) {
        store.ensureCampaign({ campaign_id: campaignId(s, c), provider_slug: s.provider, org_id: s.org, company_id: s.company, status: 'draft' });
        for (let l = 0; l < s.leadsPerCampaign; l++) store.ensureLead({ lead_id: leadId(s, c, l), campaign_id: campaignId(s, c), status: 'new' });
      }
      for (let i = 0; i < s.events; i++) {
        const c = i % s.campaigns;
        const l = Math.floor(i / s.campaigns) % s.leadsPerCampaign;
        const lead = leadId(s, c, l);
        let type: EventType;
        let payload: EventPayload;
        if (i % 7 === 6) {
          type = 'campaign.status_changed';
          payload = { status: CAMPAIGN_STATUSES[Math.floor(i / 7) % CAMPAIGN_STATUSES.length] };
        } else if (i % 5 === 4) {
          type = 'reply.received';
          payload = { message_id: `msg-${s.org}-${s.company}-${i}`, body: `Thanks, call me on +1 415 555 ${String(1000 + (i % 9000)).padStart(4, '0')}` };
        } else {
          type = 'lead.status_changed';
          payload = { status: LEAD_STATUSES[(i + l) % LEAD_STATUSES.length] };
        }
        const fails = s.failEvery > 0 && i % s.failEvery === s.failEvery - 1;
        const email = `${lead.replace(/[^a-z0-9]/g, '.')}@example.com`;
        store.addEvent({
          event_key: eventKey(s, i),
          provider_slug: s.provider,
          org_id: s.org,
          company_id: s.company,
          campaign_id: campaignId(s, c),
          lead_id: type === 'campaign.status_changed' ? null : lead,
          event_type: type,
          payload,
          status: fails ? 'failed' : 'received',
          last_error: fails ? ERRORS[i % ERRORS.length].replace('{email}', email) : null,
          created_ms: t0 + i * spec.stepMs,
        });
        events++;
        if (fails) failed++;
      }
    }
  })();
  return { events, failed };
}
