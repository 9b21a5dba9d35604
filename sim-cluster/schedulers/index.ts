import { SimulationError } from '../errors.js';
import type { SchedulerName } from '../scenario/types.js';
import { DrrScheduler } from './drr.js';
import { FifoScheduler } from './fifo.js';
import { PriorityScheduler } from './priority.js';
import type { Scheduler, TenantControls } from './scheduler.js';
import { WfqScheduler } from './wfq.js';
import { TwoDfqScheduler } from './two-dfq.js';
import { EdfScheduler } from './edf.js';

export type { Scheduler, TenantControls } from './scheduler.js';
export {
  FifoScheduler,
  PriorityScheduler,
  WfqScheduler,
  DrrScheduler,
  TwoDfqScheduler,
  EdfScheduler,
};

/** A fresh scheduler of the named discipline for one replica. */
export function createScheduler(name: SchedulerName, controls: TenantControls): Scheduler {
  switch (name) {
    case 'fifo':
      return new FifoScheduler();
    case 'priority':
      return new PriorityScheduler(controls);
    case 'wfq':
      return new WfqScheduler(controls);
    case 'drr':
      return new DrrScheduler(controls);
    case '2dfq':
      return new TwoDfqScheduler(controls);
    case 'edf':
      return new EdfScheduler();
    default:
      throw new SimulationError(`unknown scheduler ${String(name)}`);
  }
}
