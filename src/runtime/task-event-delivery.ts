// Hands a task event that crossed a thread or process boundary (plain data) to the JobMaster's listener.

import { deserializeError } from '../core/errors.ts';
import type { TaskEventMessage } from './protocol.ts';
import type { TaskEventListener } from './task.ts';

/** Calls the listener method the event names (a declined checkpoint's error is rebuilt from its serialized form). */
export function deliverTaskEvent(event: TaskEventMessage, events: TaskEventListener): void {
  switch (event.kind) {
    case 'acknowledgeCheckpoint':
      events.acknowledgeCheckpoint(event.checkpointId, event.state);
      break;
    case 'declineCheckpoint':
      events.declineCheckpoint(event.checkpointId, deserializeError(event.error));
      break;
    case 'endOfInput':
      events.endOfInput();
      break;
    case 'running':
      events.running();
      break;
  }
}
