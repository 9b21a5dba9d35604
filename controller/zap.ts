/**
 * A ZAP handler (ZeroMQ RFC 27) for CURVE: libzmq asks it, over the context's
 * `inproc://zeromq.zap.01`, whether a client's public key may connect; it answers 200
 * for keys on the allowlist and 400 otherwise. One handler per context (the daemon owns
 * its own context so several daemons can live in one process).
 */
import * as zmq from 'zeromq';
import { z85Encode } from './z85.js';

export interface ZapHandler {
  close(): void;
}

/** Starts answering ZAP requests on `context`; `onVerdict` sees every decision. */
export async function startZapHandler(
  context: zmq.Context,
  allowed: ReadonlySet<string>,
  onVerdict: (publicKey: string, allowed: boolean, address: string) => void,
): Promise<ZapHandler> {
  const socket = new zmq.Reply({ context, linger: 0 });
  await socket.bind('inproc://zeromq.zap.01');
  void (async () => {
    try {
      for await (const frames of socket) {
        await socket.send(answer(frames, allowed, onVerdict));
      }
    } catch {
      // The socket was closed: the daemon is stopping.
    }
  })();
  return { close: () => socket.close() };
}

/** The reply to one ZAP request: [version, requestId, status, text, userId, metadata]. */
export function answer(
  frames: readonly Buffer[],
  allowed: ReadonlySet<string>,
  onVerdict: (publicKey: string, allowed: boolean, address: string) => void,
): Buffer[] {
  const [version, requestId, , address, , mechanism, credentials] = frames;
  const id = requestId ?? Buffer.alloc(0);
  if (version?.toString() !== '1.0')
    return [
      Buffer.from('1.0'),
      id,
      Buffer.from('500'),
      Buffer.from('bad version'),
      Buffer.alloc(0),
      Buffer.alloc(0),
    ];
  const key =
    mechanism?.toString() === 'CURVE' && credentials?.length === 32 ? z85Encode(credentials) : '';
  const ok = key !== '' && allowed.has(key);
  onVerdict(key, ok, address?.toString() ?? '');
  return [
    Buffer.from('1.0'),
    id,
    Buffer.from(ok ? '200' : '400'),
    Buffer.from(ok ? 'OK' : 'public key not on the allowlist'),
    Buffer.from(ok ? key : ''),
    Buffer.alloc(0),
  ];
}
