import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControllerDaemon } from '../../controller/daemon.js';
import { readKeyDir, writeKeyPair } from '../../controller/keys.js';
import { GovernorClient } from '../../controller/sdk/client.js';
import { FixedRatePolicy, silent } from './fixtures.js';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

test('key files are Z85, written whole, and the secret key is readable by its owner only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-keys-'));
  const pair = writeKeyPair(dir, 'server');
  assert.equal(pair.publicKey.length, 40);
  assert.equal(statSync(join(dir, 'server.key')).mode & 0o777, 0o600);
  writeKeyPair(join(dir, 'allowed'), 'svc');
  const keys = readKeyDir(dir);
  assert.equal(keys.secretKey, pair.secretKey);
  assert.equal(keys.allowed.size, 1);
});

test('a service whose public key is not on the allowlist cannot register, while an allowed one can', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-keys-'));
  const server = writeKeyPair(dir, 'server');
  const allowed = writeKeyPair(join(dir, 'allowed'), 'api');
  const stranger = writeKeyPair(join(dir, 'elsewhere'), 'stranger');
  const daemon = await ControllerDaemon.start({
    policy: new FixedRatePolicy(10),
    bind: 'tcp://127.0.0.1:*',
    keys: readKeyDir(dir),
    logger: silent,
  });
  closers.push(() => daemon.stop());
  const make = (instance: string, pair: typeof allowed) => {
    const c = new GovernorClient({
      endpoint: daemon.endpoint,
      instance,
      service: 'api',
      role: 'service',
      safe: {},
      heartbeatSeconds: 0.05,
      curve: { ...pair, serverKey: server.publicKey },
    });
    closers.push(() => c.close());
    c.start();
    return c;
  };
  const friend = make('friend', allowed);
  await friend.waitForWelcome(3000);
  const foe = make('foe', stranger);
  await new Promise((r) => setTimeout(r, 500));
  const auth = (await daemon.metrics.auth.get()).values;
  assert.ok((auth.find((v) => v.labels.verdict === 'denied')?.value ?? 0) > 0);
  assert.equal(foe.registered, false);
  assert.equal(foe.totals.welcomes, 0);
  assert.equal(daemon.instances, 1);
});
