// MetricRegistry: where groups register metrics; it tells reporters, runs scheduled reports and view updates.

import type { Clock } from '../core/clock.ts';
import { SluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { AbstractMetricGroup } from './abstract-metric-group.ts';
import { BUILTIN_REPORTER_FACTORIES } from './builtin-reporter-factories.ts';
import { MetricConfig } from './metric-config.ts';
import type { MetricRegistrySettings, ReporterSettings } from './metric-registry-settings.ts';
import { isScheduled, type MetricReporter, type MetricReporterFactory } from './metric-reporter.ts';
import { systemMetricTimer, type MetricTimer } from './metric-timer.ts';
import { metricTypeOf, type Metric, type MetricType } from './metric.ts';
import { ScopeFormats } from './scope-formats.ts';
import { isView } from './view.ts';
import { ViewUpdater } from './view-updater.ts';

/** Optional collaborators of a registry. */
export interface MetricRegistryOptions {
  /** Runs view updates and scheduled reports; default `setInterval` (unref'd). Tests pass a ManualMetricTimer. */
  readonly timer?: MetricTimer;
  /** Reporter factories by name, in addition to (and overriding) the built-in `prom`/`prometheus` and `log`/`slf4j`. */
  readonly reporterFactories?: Readonly<Record<string, MetricReporterFactory>>;
}

/** A metric as registered: the metric, its name, its group and its kind. */
export interface RegisteredMetric {
  readonly metric: Metric;
  readonly name: string;
  readonly group: AbstractMetricGroup;
  readonly type: MetricType;
}

/** A started reporter and its name. */
export interface NamedReporter {
  readonly name: string;
  readonly reporter: MetricReporter;
}

/**
 * One registry per thread (Flink's MetricRegistryImpl): groups register their metrics here; the registry tells every
 * reporter, calls Scheduled reporters every `metrics.reporter.<name>.interval`, and updates Views (MeterView) every
 * 5 s. Worker threads create one without reporters and send dumps; the main thread's registry starts the reporters.
 *
 * @example
 * const registry = new MetricRegistry(readMetricSettings(conf), systemClock, logger);
 * await registry.ready(); // reporters bound their ports
 * const tm = new TaskManagerMetricGroup(registry, 'localhost', 'tm-1');
 * // ...
 * await registry.shutdown();
 */
export class MetricRegistry {
  readonly delimiter: string;
  readonly scopeFormats: ScopeFormats;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly #timer: MetricTimer;
  readonly #viewUpdater: ViewUpdater;
  readonly #reporters: NamedReporter[] = [];
  readonly #registered = new Map<AbstractMetricGroup, Map<string, RegisteredMetric>>();
  readonly #cancels: Array<() => void> = [];
  readonly #opening: Promise<void>;
  #shutdown: Promise<void> | undefined;

  constructor(settings: MetricRegistrySettings, clock: Clock, logger: Logger, options: MetricRegistryOptions = {}) {
    this.delimiter = settings.delimiter;
    this.scopeFormats = new ScopeFormats(settings.scopes);
    this.clock = clock;
    this.logger = logger;
    this.#timer = options.timer ?? systemMetricTimer;
    this.#viewUpdater = new ViewUpdater(this.#timer, logger);
    const factories = { ...BUILTIN_REPORTER_FACTORIES, ...options.reporterFactories };
    this.#opening = Promise.all(settings.reporters.map((r) => this.#startReporter(r, factories))).then(() => undefined);
  }

  #startReporter(settings: ReporterSettings, factories: Readonly<Record<string, MetricReporterFactory>>): Promise<void> {
    const factory = Object.hasOwn(factories, settings.factory) ? factories[settings.factory] : undefined;
    if (factory === undefined) {
      this.#reporterFailed(
        settings.name,
        new SluiceError(
          'METRIC_REPORTER_FAILED',
          `no metric reporter factory named '${settings.factory}' for reporter '${settings.name}' ` +
            `(known: ${Object.keys(factories).sort().join(', ')})`,
        ),
      );
      return Promise.resolve();
    }
    const config = new MetricConfig(settings.name, settings.properties);
    let reporter: MetricReporter;
    let opened: void | Promise<void>;
    try {
      reporter = factory.createMetricReporter(config, { name: settings.name, clock: this.clock, logger: this.logger });
      opened = reporter.open(config);
    } catch (error) {
      this.#reporterFailed(settings.name, error);
      return Promise.resolve();
    }
    const named: NamedReporter = { name: settings.name, reporter };
    this.#reporters.push(named);
    if (isScheduled(reporter)) {
      this.#cancels.push(this.#timer.schedule(settings.intervalMs, () => void this.#report(named)));
    }
    this.logger.info(`started metric reporter ${settings.name}`, { factory: settings.factory });
    return Promise.resolve(opened).then(
      () => undefined,
      (error: unknown) => {
        this.#reporterFailed(settings.name, error);
        const i = this.#reporters.indexOf(named);
        if (i >= 0) this.#reporters.splice(i, 1);
        void Promise.resolve()
          .then(() => reporter.close())
          .catch(() => undefined);
      },
    );
  }

  #reporterFailed(name: string, error: unknown): void {
    const wrapped =
      error instanceof SluiceError
        ? error
        : new SluiceError('METRIC_REPORTER_FAILED', `metric reporter '${name}' could not be started`, { cause: error });
    this.logger.error(wrapped.message, { reporter: name, code: wrapped.code, error });
  }

  async #report(named: NamedReporter): Promise<void> {
    const reporter = named.reporter;
    if (!isScheduled(reporter)) return;
    try {
      await reporter.report();
    } catch (error) {
      this.logger.warn(`metric reporter ${named.name} failed to report`, { error });
    }
  }

  /** Resolves once every reporter has opened (e.g. the Prometheus reporter bound its port); failures are logged. */
  ready(): Promise<void> {
    return this.#opening;
  }

  /** The reporters that started. */
  getReporters(): readonly NamedReporter[] {
    return this.#reporters;
  }

  /** The reporter started under `name`, if any. */
  getReporter(name: string): MetricReporter | undefined {
    return this.#reporters.find((r) => r.name === name)?.reporter;
  }

  /** Called by groups: records the metric, hands Views to the ViewUpdater and tells every reporter. */
  register(metric: Metric, name: string, group: AbstractMetricGroup): void {
    if (this.#shutdown !== undefined) return;
    let byName = this.#registered.get(group);
    if (byName === undefined) this.#registered.set(group, (byName = new Map()));
    byName.set(name, { metric, name, group, type: metricTypeOf(metric) });
    if (isView(metric)) this.#viewUpdater.notifyOfAddedView(metric);
    for (const { name: reporterName, reporter } of this.#reporters) {
      try {
        reporter.notifyOfAddedMetric(metric, name, group);
      } catch (error) {
        this.logger.warn(`metric reporter ${reporterName} failed on an added metric`, { metric: name, error });
      }
    }
  }

  /** Called by groups when they close. */
  unregister(metric: Metric, name: string, group: AbstractMetricGroup): void {
    const byName = this.#registered.get(group);
    if (byName?.get(name)?.metric !== metric) return;
    byName.delete(name);
    if (byName.size === 0) this.#registered.delete(group);
    if (isView(metric)) this.#viewUpdater.notifyOfRemovedView(metric);
    for (const { name: reporterName, reporter } of this.#reporters) {
      try {
        reporter.notifyOfRemovedMetric(metric, name, group);
      } catch (error) {
        this.logger.warn(`metric reporter ${reporterName} failed on a removed metric`, { metric: name, error });
      }
    }
  }

  /** Every registered metric, group by group. */
  *getRegisteredMetrics(): IterableIterator<RegisteredMetric> {
    for (const byName of this.#registered.values()) yield* byName.values();
  }

  /** How many metrics are registered. */
  get numRegisteredMetrics(): number {
    let n = 0;
    for (const byName of this.#registered.values()) n += byName.size;
    return n;
  }

  /** Updates every View now (what the 5 s timer does); for tests and final dumps. */
  updateViews(): void {
    this.#viewUpdater.updateAll();
  }

  isShutdown(): boolean {
    return this.#shutdown !== undefined;
  }

  /** Stops timers and closes every reporter (the Prometheus reporter stops its HTTP server). Idempotent. */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#doShutdown();
    return this.#shutdown;
  }

  async #doShutdown(): Promise<void> {
    for (const cancel of this.#cancels.splice(0)) cancel();
    this.#viewUpdater.close();
    await this.#opening;
    const reporters = this.#reporters.splice(0);
    await Promise.all(
      reporters.map(async ({ name, reporter }) => {
        try {
          await reporter.close();
        } catch (error) {
          this.logger.warn(`metric reporter ${name} failed to close`, { error });
        }
      }),
    );
    this.#registered.clear();
  }
}
