// The base of two-input operators around a user function (the two-input twin of AbstractUdfStreamOperator).

import type { FunctionInitializationContext, FunctionSnapshotContext } from '../../state/operator-state.ts';
import { TwoInputStreamOperator, UserFunctionLifecycle } from './stream-operator.ts';

/** A two-input operator around a user function: the same life cycle as one-input ones (UserFunctionLifecycle). */
export abstract class AbstractTwoInputUdfOperator<IN1, IN2, OUT, F> extends TwoInputStreamOperator<IN1, IN2, OUT> {
  constructor(protected readonly userFunction: F) {
    super();
  }

  protected override initializeUserState(context: FunctionInitializationContext): Promise<void> {
    return UserFunctionLifecycle.initializeState(this.userFunction, this.context.runtimeContext, context);
  }

  protected override snapshotUserState(context: FunctionSnapshotContext): Promise<void> {
    return UserFunctionLifecycle.snapshotState(this.userFunction, context);
  }

  override async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await super.notifyCheckpointComplete(checkpointId);
    await UserFunctionLifecycle.notifyCheckpointComplete(this.userFunction, checkpointId);
  }

  override async notifyCheckpointAborted(checkpointId: number): Promise<void> {
    await super.notifyCheckpointAborted(checkpointId);
    await UserFunctionLifecycle.notifyCheckpointAborted(this.userFunction, checkpointId);
  }

  override open(): Promise<void> {
    return UserFunctionLifecycle.open(this.userFunction, this.context.runtimeContext, this.context.jobConfig);
  }

  override close(): Promise<void> {
    return UserFunctionLifecycle.close(this.userFunction);
  }
}
