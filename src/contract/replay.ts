// The shape of a runbook's incident-recovery settings: which providers may be replayed,
// where the five recovery endpoints live, how big a batch is and when to escalate.
// A runbook fills one of these in; the replay engine only ever receives it.

export interface ReplayEndpoints {
  /** GET: list events (filters provider_slug, org_id, company_id, event_type, limit, cursor). */
  readonly events: string;
  /** POST: replay one event; `{provider}` and `{key}` are filled in (URL-encoded). */
  readonly replayOne: string;
  /** POST: replay explicit keys `{provider_slug, event_keys}`. */
  readonly replayBulk: string;
  /** POST: replay a time window `{provider_slug, org_id, company_id, from_ts, to_ts, limit}`. */
  readonly replayQuery: string;
  /** POST: campaigns/leads reconciliation `{provider_slug, org_id, company_id, dry_run}`. */
  readonly reconcile: string;
}

export interface ReplayConfig {
  /** Provider slugs that may be replayed; anything else is refused as bad input. */
  readonly providers: readonly string[];
  readonly endpoints: ReplayEndpoints;
  /** Environment variable holding the super-admin bearer token (never a flag, never printed). */
  readonly tokenEnv: string;
  /** Environment variable with the API base URL, used when --url is not given. */
  readonly baseUrlEnv: string;
  readonly batch: {
    /** Events per window batch when --batch-size is not given. */
    readonly defaultSize: number;
    /** Largest batch (and query `limit`) ever sent. */
    readonly maxSize: number;
  };
  readonly escalation: {
    /** Provider 4xx/5xx answers within one run that stop it and write the escalation bundle. */
    readonly providerErrors: number;
  };
  readonly http: {
    /** Per-request timeout. */
    readonly timeoutMs: number;
    /** How often a 429 is waited out (per request) before the run stops. */
    readonly rateLimitRetries: number;
    /** Longest Retry-After honoured; a longer one stops the run instead of hanging it. */
    readonly maxRetryAfterMs: number;
    /** Page size asked for when listing events. */
    readonly pageSize: number;
  };
}
