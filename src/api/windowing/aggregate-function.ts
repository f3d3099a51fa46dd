// AggregateFunction for window aggregate(...): the one definition lives with AggregatingState in src/state.

export type { AggregateFunction } from '../../state/aggregate-function.ts';
