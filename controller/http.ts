/**
 * The daemon's HTTP edge: `GET /healthz` (JSON: status, session, instances, epoch) and
 * `GET /metrics` (Prometheus text format from the daemon's own registry).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ControllerDaemon } from './daemon.js';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves health and metrics for `daemon` on `host:port` (port 0: ephemeral). */
export async function startHealthServer(
  daemon: ControllerDaemon,
  port: number,
  host = '127.0.0.1',
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const body = JSON.stringify({
        status: 'ok',
        session: daemon.session,
        endpoint: daemon.endpoint,
        instances: daemon.instances,
        epoch: daemon.epoch,
        totals: daemon.totals,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      daemon.metrics.registry.metrics().then(
        (text) =>
          res.writeHead(200, { 'content-type': daemon.metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
