// Turns the `remote` channel ends of a task into MessagePorts in this process's main thread: consumer ends are met
// by the data server, producer ends connect to the consumer's process; the worker thread gets plain port ends.

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { SluiceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { ChannelEndpoint, RemoteChannelEndpoint, TaskSpec } from '../protocol.ts';
import { bridgeProducer } from './channel-bridge.ts';
import type { DataServer } from './data-server.ts';
import { encodeOpen, FrameType } from './frame-codec.ts';
import { connectFramed } from './framed-connection.ts';

/** A task spec whose remote ends are bridged: deploy `spec`, watch `failure`, call `release()` once it ended. */
export interface BridgedTask {
  readonly spec: TaskSpec;
  /** Resolves if a producer end cannot reach its consumer's process (the task must fail); else never. */
  readonly failure: Promise<Error>;
  /** The task ended: its bridges are dropped once what it sent last has surely passed them. */
  release(): void;
}

export interface RemoteChannelsOptions {
  /** Attempts to reach a consumer's data server before the producing task fails. */
  readonly connectAttempts?: number;
  /** First wait between attempts (doubling). */
  readonly connectBackoffMs?: number;
  readonly connectTimeoutMs?: number;
  /** How long a finished task's bridges stay after its result (port messages do not order against results). */
  readonly lingerMs?: number;
}

const NEVER = new Promise<Error>(() => {});

/**
 * The remote channel ends of one process. Main-thread code only: a worker thread never sees a `remote` end.
 *
 * @example
 * const channels = new RemoteChannels(dataServer, logger);
 * const bridged = channels.bridge(spec);          // spec with remote ends -> spec with port ends
 * pool.run({ task: bridged.spec, ... }, { transferList: transferablePorts(bridged.spec) });
 */
export class RemoteChannels {
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;
  readonly #lingerMs: number;

  constructor(
    readonly server: DataServer,
    private readonly logger: Logger,
    options: RemoteChannelsOptions = {},
  ) {
    this.#attempts = options.connectAttempts ?? 5;
    this.#backoffMs = options.connectBackoffMs ?? 100;
    this.#timeoutMs = options.connectTimeoutMs ?? 5_000;
    this.#lingerMs = options.lingerMs ?? 10_000;
  }

  /** The consumer end of a channel from another process, as a port to read with `PortInputChannel`. */
  inputPort(endpoint: RemoteChannelEndpoint): MessagePort {
    return this.#open(endpoint, () => {}).port2;
  }

  /** The producer end of a channel into another process, as a port to write with `PortOutputChannel`. */
  outputPort(endpoint: RemoteChannelEndpoint, onFailure: (error: Error) => void = () => {}): MessagePort {
    return this.#open(endpoint, onFailure).port2;
  }

  /** port1 stays in this thread and is bridged; port2 goes to the reader or writer. */
  #open(endpoint: RemoteChannelEndpoint, onFailure: (error: Error) => void): MessageChannel {
    const channel = new MessageChannel();
    if (endpoint.connect === undefined) this.server.register(endpoint.id, channel.port1, onFailure);
    else void this.#connect(endpoint, channel.port1, onFailure);
    return channel;
  }

  bridge(spec: TaskSpec): BridgedTask {
    const ends = [...spec.inputs.map((i) => i.channel), ...spec.outputs.flatMap((o) => o.channels)];
    if (spec.collect !== undefined) ends.push(spec.collect.channel);
    if (!ends.some((e) => e.kind === 'remote')) return { spec, failure: NEVER, release: () => {} };
    let fail!: (error: Error) => void;
    const failure = new Promise<Error>((resolve) => (fail = resolve));
    const bridges: MessagePort[] = [];
    const open = (e: ChannelEndpoint): ChannelEndpoint => {
      if (e.kind !== 'remote') return e;
      const { port1, port2 } = this.#open(e, fail);
      bridges.push(port1);
      return { kind: 'port', port: port2, capacity: e.capacity };
    };
    const bridged: TaskSpec = {
      ...spec,
      inputs: spec.inputs.map((i) => ({ ...i, channel: open(i.channel) })),
      outputs: spec.outputs.map((o) => ({ ...o, channels: o.channels.map(open) })),
      collect: spec.collect === undefined ? undefined : { ...spec.collect, channel: open(spec.collect.channel) },
    };
    return {
      spec: bridged,
      failure,
      release: () => {
        // The task's thread closes its ports as it ends (the bridges follow); this only catches a task that never
        // opened them (it failed first, or its thread died).
        const timer = setTimeout(() => {
          for (const port of bridges) port.close();
        }, this.#lingerMs);
        timer.unref();
      },
    };
  }

  async #connect(endpoint: RemoteChannelEndpoint, port: MessagePort, onFailure: (error: Error) => void): Promise<void> {
    const target = endpoint.connect!;
    let abandoned = false;
    port.once('close', () => (abandoned = true));
    for (let attempt = 1; ; attempt++) {
      try {
        const connection = await connectFramed(target.host, target.port, this.#timeoutMs);
        if (abandoned) {
          connection.destroy();
          return;
        }
        connection.sendFrame(FrameType.OPEN, encodeOpen(endpoint.id, endpoint.capacity));
        bridgeProducer(connection, port, onFailure);
        return;
      } catch (error) {
        if (abandoned) return;
        if (attempt >= this.#attempts) {
          const failure = new SluiceError(
            'TASK_FAILED',
            `cannot open the data channel ${endpoint.id} to ${target.host}:${target.port} after ${attempt} attempts: ` +
              `${(error as Error).message}. The consumer's process must be reachable there (taskmanager.host, ` +
              `taskmanager.data.port; jobmanager.rpc.address for the JobManager).`,
            { cause: error },
          );
          this.logger.warn('a data channel could not connect', { channel: endpoint.id, error: failure.message });
          onFailure(failure);
          return;
        }
        await sleep(this.#backoffMs * 2 ** (attempt - 1));
      }
    }
  }
}
