// Opens the channel ends named in a TaskSpec inside one thread.

import type { MessagePort } from 'node:worker_threads';
import { SluiceError } from '../core/errors.ts';
import type { InputChannel, OutputChannel } from './network/channel.ts';
import { LocalChannelRegistry } from './network/local-channel.ts';
import { PortInputChannel, PortOutputChannel } from './network/port-channel.ts';
import type { ChannelEndpoint, RemoteChannelEndpoint, TaskSpec } from './protocol.ts';

/** Bridges channel ends in other processes to ports (a process's main thread has one: `RemoteChannels`). */
export interface RemoteEndpointPorts {
  inputPort(endpoint: RemoteChannelEndpoint): MessagePort;
  outputPort(endpoint: RemoteChannelEndpoint): MessagePort;
}

/**
 * The channels of one thread; one instance per TaskManager thread (or per process for the local runtime). Only a
 * main thread given `remote` opens ends in other processes (the client's end of a collect channel).
 */
export class ThreadChannels {
  readonly registry = new LocalChannelRegistry();

  constructor(private readonly remote?: RemoteEndpointPorts) {}

  openOutput = (endpoint: ChannelEndpoint): OutputChannel => {
    switch (endpoint.kind) {
      case 'local':
        return this.registry.acquire(endpoint.id, endpoint.capacity);
      case 'port':
        return new PortOutputChannel(endpoint.port, endpoint.capacity);
      case 'remote':
        return new PortOutputChannel(this.#remote(endpoint).outputPort(endpoint), endpoint.capacity);
    }
  };

  openInput = (endpoint: ChannelEndpoint): InputChannel => {
    switch (endpoint.kind) {
      case 'local':
        return this.registry.acquire(endpoint.id, endpoint.capacity);
      case 'port':
        return new PortInputChannel(endpoint.port);
      case 'remote':
        return new PortInputChannel(this.#remote(endpoint).inputPort(endpoint));
    }
  };

  /** Drops this task's hold on its local channels. */
  release = (spec: TaskSpec): void => {
    const drop = (e: ChannelEndpoint): void => {
      if (e.kind === 'local') this.registry.release(e.id);
    };
    for (const input of spec.inputs) drop(input.channel);
    for (const output of spec.outputs) output.channels.forEach(drop);
    if (spec.collect !== undefined) drop(spec.collect.channel);
  };

  #remote(endpoint: RemoteChannelEndpoint): RemoteEndpointPorts {
    if (this.remote === undefined) {
      throw new SluiceError(
        'ILLEGAL_STATE',
        `channel ${endpoint.id} leads to another process, but this thread has no bridge to other processes: only a ` +
          `process's main thread opens such channels, and hands its worker threads port ends`,
      );
    }
    return this.remote;
  }
}
