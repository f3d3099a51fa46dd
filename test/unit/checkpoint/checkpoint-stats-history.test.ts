// The recent-checkpoints history: progress while in progress, the outcome after, bounded, newest first.
import { describe, expect, it } from 'vitest';
import { CheckpointStatsHistory } from '../../../src/checkpoint/checkpoint-stats-history.ts';

describe('CheckpointStatsHistory', () => {
  it('tracks acknowledgements per vertex, then completion or failure; newest first', () => {
    const h = new CheckpointStatsHistory(10);
    h.reportPending(1, 'CHECKPOINT', 100, 3);
    h.reportAcknowledged(1, 'v1', 110);
    h.reportAcknowledged(1, 'v2', 120);
    expect(h.get(1)).toMatchObject({ status: 'IN_PROGRESS', numAcknowledgedSubtasks: 2, latestAckTimestamp: 120, acknowledgedByVertex: { v1: 1, v2: 1 } });
    h.reportCompleted(1, 130, 4_096, '/chk-1/_metadata');
    h.reportPending(2, 'SAVEPOINT', 200, 3);
    h.reportFailed(2, 250, 'declined by task v1#0: disk full');
    h.reportAcknowledged(2, 'v1', 260); // late: the outcome stays
    expect(h.entries.map((e) => [e.checkpointId, e.status])).toEqual([
      [2, 'FAILED'],
      [1, 'COMPLETED'],
    ]);
    expect(h.get(1)).toMatchObject({ numAcknowledgedSubtasks: 3, stateSize: 4_096, externalPath: '/chk-1/_metadata', latestAckTimestamp: 130 });
    expect(h.latestFailed).toMatchObject({ checkpointId: 2, failureTimestamp: 250, failureMessage: 'declined by task v1#0: disk full', numAcknowledgedSubtasks: 0 });
  });

  it('keeps at most its capacity, dropping the oldest that are no longer in progress', () => {
    const h = new CheckpointStatsHistory(3);
    h.reportPending(1, 'CHECKPOINT', 0, 1); // stays in progress
    for (let id = 2; id <= 6; id++) {
      h.reportPending(id, 'CHECKPOINT', id, 1);
      h.reportCompleted(id, id, 1, undefined);
    }
    expect(h.entries.map((e) => e.checkpointId)).toEqual([6, 5, 1]);
    h.reportFailed(1, 7, 'expired');
    h.reportPending(7, 'CHECKPOINT', 7, 1);
    expect(h.entries.map((e) => e.checkpointId)).toEqual([7, 6, 5]);
  });
});
