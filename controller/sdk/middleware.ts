/**
 * Node http middleware: the tenant rides in a request header (`x-governor-tenant`, the
 * "baggage" of DESIGN.md); each request is offered to the `Enforcer`, rejected with 429
 * (rate limit, shedding) or 503 (queueing), or let through and released when the
 * response finishes, and every outcome is counted in the `WindowRecorder`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Enforcer } from './enforcer.js';
import type { WindowRecorder } from './window-recorder.js';

/** The header that carries a request's tenant from service to service. */
export const TENANT_HEADER = 'x-governor-tenant';

export interface MiddlewareOptions {
  readonly enforcer: Enforcer;
  readonly recorder: WindowRecorder;
  /** Tenant of requests without the header (default `default`). */
  readonly defaultTenant?: string;
  readonly clock?: () => number;
}

/** The tenant of an incoming request. */
export function tenantOf(req: IncomingMessage, fallback = 'default'): string {
  const value = req.headers[TENANT_HEADER];
  const tenant = Array.isArray(value) ? value[0] : value;
  return tenant !== undefined && /^[\w.:-]{1,128}$/.test(tenant) ? tenant : fallback;
}

/** Headers to add to an outgoing call so the next service sees the same tenant. */
export function tenantHeaders(tenant: string): Record<string, string> {
  return { [TENANT_HEADER]: tenant };
}

/** `(req, res, next)` middleware (Express-compatible, or call it from a plain handler). */
export function governorMiddleware(options: MiddlewareOptions) {
  const clock = options.clock ?? (() => performance.now() / 1000);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const tenant = tenantOf(req, options.defaultTenant);
    const started = clock();
    options.recorder.offered(tenant);
    void options.enforcer.admit(tenant).then((verdict) => {
      if (!verdict.admitted) {
        options.recorder.rejected(tenant, verdict.reason);
        const status = verdict.reason === 'rate-limit' || verdict.reason === 'shed' ? 429 : 503;
        res.writeHead(status, { 'content-type': 'text/plain', 'retry-after': '1' });
        res.end(`governor: rejected (${verdict.reason})\n`);
        return;
      }
      options.recorder.admitted(tenant, verdict.waitedSeconds);
      res.once('close', () => {
        verdict.release();
        options.recorder.finished(tenant, clock() - started, res.statusCode < 500);
      });
      next();
    });
  };
}
