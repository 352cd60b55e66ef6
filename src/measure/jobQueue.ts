// Work that arrives while earlier work runs: metric jobs of a scenario start as soon as its pairing
// is verified, while later scenarios are still being verified, so neither core waits for a whole
// stage to end. At most `limit` run at a time; a free slot takes the costliest job waiting (longest
// first, so the run does not end on one large job with the other core idle). A list known up front
// (alignment, verification, temporal layers, the bench's bare jobs) runs through the same queue in
// list order (runInOrder).

export class JobQueue<T, R> {
  private readonly waiting: { item: T; cost: number; index: number }[] = [];
  private readonly settled: PromiseSettledResult<R>[] = [];
  private running = 0;
  private closed = false;
  private count = 0;
  private finish: () => void = () => {};
  private readonly finished: Promise<void>;

  constructor(
    private readonly limit: number,
    private readonly run: (item: T, index: number) => Promise<R>,
  ) {
    this.finished = new Promise<void>((resolve) => (this.finish = resolve));
  }

  /** Queues `item`; returns its index in results(). */
  push(item: T, cost: number): number {
    if (this.closed) throw new Error('JobQueue: push after close');
    const index = this.count++;
    this.waiting.push({ item, cost, index });
    this.pump();
    return index;
  }

  /** No more jobs will come; results() settles when the queued ones have run. */
  close(): void {
    this.closed = true;
    this.pump();
  }

  /** Every job's outcome by index, once closed and drained. */
  async results(): Promise<PromiseSettledResult<R>[]> {
    await this.finished;
    return this.settled;
  }

  private pump(): void {
    while (this.running < Math.max(1, this.limit) && this.waiting.length > 0) {
      let k = 0;
      for (let j = 1; j < this.waiting.length; j++) if (this.waiting[j].cost > this.waiting[k].cost) k = j;
      const [job] = this.waiting.splice(k, 1);
      this.running++;
      this.start(job);
    }
    if (this.closed && this.running === 0 && this.waiting.length === 0) this.finish();
  }

  private start(job: { item: T; index: number }): void {
    // Started on a later tick: pump() keeps filling slots first, and a synchronous throw settles like a rejection.
    Promise.resolve()
      .then(() => this.run(job.item, job.index))
      .then(
        (value) => (this.settled[job.index] = { status: 'fulfilled', value }),
        (reason: unknown) => (this.settled[job.index] = { status: 'rejected', reason }),
      )
      .finally(() => {
        this.running--;
        this.pump();
      });
  }
}

/**
 * Runs `fn` on every item, at most `limit` at a time, started in list order (equal costs: the queue
 * keeps the order jobs were pushed in). Each outcome by the item's index; a rejection stays in its slot.
 */
export async function runInOrder<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const queue = new JobQueue(limit, fn);
  for (const item of items) queue.push(item, 0);
  queue.close();
  return queue.results();
}
