import type { Command } from 'commander';
import { pino } from 'pino';
import { ControllerDaemon } from '../../controller/daemon.js';
import { startHealthServer } from '../../controller/http.js';
import { readKeyDir } from '../../controller/keys.js';
import { loadServedPolicy } from '../../controller/policy-source.js';
import { youngGenerationCollector } from '../../controller/young-gc.js';
import { UsageError } from '../../sim-cluster/errors.js';
import { parsePositiveNumber } from '../options.js';

interface ServeOptions {
  policy: string;
  bind: string;
  interval?: number;
  keys?: string;
  http?: number;
  fallback?: string;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'run the controller daemon: services connect over ZeroMQ, report signals and receive decisions',
    )
    .requiredOption(
      '--policy <name|bundle>',
      'a heuristic policy name, or a policy bundle directory',
    )
    .requiredOption('--bind <endpoint>', 'ZeroMQ endpoint to bind, e.g. tcp://0.0.0.0:5555')
    .option(
      '--interval <seconds>',
      "longest wait for a round's reports (default 1)",
      parsePositiveNumber('--interval'),
    )
    .option(
      '--fallback <name>',
      'heuristic that takes over when a bundle leaves its guard (default static)',
    )
    .option('--keys <dir>', 'CURVE: server.key, server.pub and the allowlist allowed/*.pub')
    .option('--http <port>', 'serve /healthz and /metrics on this port (127.0.0.1)', parsePort)
    .action(async (options: ServeOptions) => {
      const logger = pino({ level: process.env.GOVERNOR_LOG_LEVEL ?? 'info' });
      const policy = await loadServedPolicy(options.policy, {
        ...(options.fallback !== undefined ? { fallback: options.fallback } : {}),
      });
      const daemon = await ControllerDaemon.start({
        policy,
        bind: options.bind,
        logger,
        ...(options.interval !== undefined ? { intervalSeconds: options.interval } : {}),
        ...(options.keys !== undefined ? { keys: readKeyDir(options.keys) } : {}),
        // The garbage of a round's 1,000s of messages is swept between rounds, not
        // by a scavenge inside the next one (controller/young-gc.ts).
        betweenRounds: youngGenerationCollector(),
      });
      const http =
        options.http !== undefined ? await startHealthServer(daemon, options.http) : null;
      if (http !== null) logger.info({ port: http.port }, 'health and metrics over HTTP');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await http?.close();
      await daemon.stop();
    });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new UsageError(`--http must be a port number, got '${value}'`);
  return n;
}
