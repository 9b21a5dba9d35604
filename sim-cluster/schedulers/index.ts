import { SimulationError } from '../errors.js';
import type { SchedulerName } from '../scenario/types.js';
import { DrrScheduler } from './drr.js';
import { FifoScheduler } from './fifo.js';
import { PriorityScheduler } from './priority.js';
import type { Scheduler, TenantControls } from './scheduler.js';
import { WfqScheduler } from './wfq.js';

export type { Scheduler, TenantControls } from './scheduler.js';
export { FifoScheduler, PriorityScheduler, WfqScheduler, DrrScheduler };

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
    default:
      throw new SimulationError(`unknown scheduler ${String(name)}`);
  }
}
