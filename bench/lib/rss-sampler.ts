// Samples the resident set size of the whole process (worker threads included) at a fixed interval.

export class RssSampler {
  #timer: NodeJS.Timeout | undefined;
  #peak = 0;
  #samples = 0;
  #sum = 0;

  constructor(private readonly intervalMs = 50) {}

  start(): this {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.intervalMs);
    return this;
  }

  /** Stops sampling (after one last sample) and returns the figures in MiB. */
  stop(): { peakMB: number; meanMB: number; samples: number } {
    clearInterval(this.#timer);
    this.#sample();
    const mb = 1024 * 1024;
    return { peakMB: this.#peak / mb, meanMB: this.#sum / this.#samples / mb, samples: this.#samples };
  }

  #sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.#peak) this.#peak = rss;
    this.#sum += rss;
    this.#samples++;
  }
}
