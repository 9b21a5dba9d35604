/**
 * The demo's child processes (services and load generator, forked with an IPC channel):
 * started, awaited and stopped as a group. Stopping asks each child to stop over IPC,
 * then SIGTERM, then SIGKILL after a grace period; `killNow` is the synchronous last
 * resort for the parent's `exit`. A child that loses its parent (IPC disconnect) exits by
 * itself, so even a SIGKILLed orchestrator leaves nothing behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export class ProcessGroup {
  private readonly children = new Set<ChildProcess>();

  /** Forks `module` (a path relative to this file, e.g. `./service-main.js`). */
  fork(module: string, name: string): ChildProcess {
    const path = fileURLToPath(new URL(module, import.meta.url));
    const child = fork(path, [name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  get pids(): number[] {
    return [...this.children].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  }

  /** Stops every child: IPC `stop`, SIGTERM after `graceMs`, SIGKILL after twice that. */
  async stopAll(graceMs = 2000): Promise<void> {
    const all = [...this.children];
    await Promise.all(
      all.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            if (child.connected) child.send({ type: 'stop' }, () => {});
            const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
            const kill = setTimeout(() => child.kill('SIGKILL'), 2 * graceMs);
            child.once('exit', () => {
              clearTimeout(term);
              clearTimeout(kill);
            });
          }),
      ),
    );
  }

  /** SIGKILLs whatever is still running (synchronous: safe in an `exit` handler). */
  killNow(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }
}

/** The next IPC message of `type` from `child` (rejects if it exits first or after `timeoutMs`). */
export function nextFrom<T extends { type: string }>(
  child: ChildProcess,
  type: T['type'],
  what: string,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: T) => {
      if (m?.type !== type) return;
      cleanup();
      resolve(m);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`${what} exited (code ${code}, signal ${signal}) before '${type}'`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * A process group for a command: its children are SIGKILLed if this process exits, and
 * stopped (then this process exits 130) on SIGINT or SIGTERM — Ctrl-C leaves nothing
 * behind. Call `done()` once the command finished normally.
 */
export function commandGroup(command: string): { group: ProcessGroup; done: () => void } {
  const group = new ProcessGroup();
  process.on('exit', () => group.killNow());
  const interrupted = () => {
    process.stderr.write(`${command}: interrupted, stopping every process\n`);
    void group.stopAll(500).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return {
    group,
    done: () => {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    },
  };
}
