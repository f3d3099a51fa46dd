// Opens the channel ends named in a TaskSpec inside one thread.

import type { InputChannel, OutputChannel } from './network/channel.ts';
import { LocalChannelRegistry } from './network/local-channel.ts';
import { PortInputChannel, PortOutputChannel } from './network/port-channel.ts';
import type { ChannelEndpoint, TaskSpec } from './protocol.ts';

/** The channels of one thread; one instance per TaskManager thread (or per process for the local runtime). */
export class ThreadChannels {
  readonly registry = new LocalChannelRegistry();

  openOutput = (endpoint: ChannelEndpoint): OutputChannel =>
    endpoint.kind === 'local'
      ? this.registry.acquire(endpoint.id, endpoint.capacity)
      : new PortOutputChannel(endpoint.port, endpoint.capacity);

  openInput = (endpoint: ChannelEndpoint): InputChannel =>
    endpoint.kind === 'local' ? this.registry.acquire(endpoint.id, endpoint.capacity) : new PortInputChannel(endpoint.port);

  /** Drops this task's hold on its local channels. */
  release = (spec: TaskSpec): void => {
    const drop = (e: ChannelEndpoint): void => {
      if (e.kind === 'local') this.registry.release(e.id);
    };
    for (const input of spec.inputs) drop(input.channel);
    for (const output of spec.outputs) output.channels.forEach(drop);
    if (spec.collect !== undefined) drop(spec.collect.channel);
  };
}
