// `/metrics` for node:http, Express and Fastify. Express handlers take node's
// (req, res), so one handler serves both; Fastify uses `scrape()` and its reply.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface ScrapeResponse {
  contentType: string;
  body: string;
}

interface HasRegistry {
  registry: Registry;
}

/** Renders the exposition, for frameworks that own the response (Fastify: `reply.type(r.contentType).send(r.body)`). */
export async function scrape(source: HasRegistry | Registry): Promise<ScrapeResponse> {
  const registry = 'registry' in source ? source.registry : source;
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * A request handler answering with the exposition. Mount it on a `/metrics` route
 * (node:http: call it when `req.url` is `/metrics`; Express: `app.get('/metrics', handler)`).
 * A failing collector answers 500 so the scrape shows as failed instead of partial data.
 */
export function metricsHandler(source: HasRegistry | Registry): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    scrape(source).then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(err as Error).message}\n`);
      },
    );
  };
}
