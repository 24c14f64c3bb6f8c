/** Groups in flight at once: one is written while the next gathers; more would only split the gathering. */
const FLIGHTS = 2;

interface Waiting<Request, Result> {
  request: Request;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Requests that arrive while earlier ones are out go together in the next round trip: under
 * load, many callers share one statement (and, for appends, one transaction and WAL flush);
 * a request that finds a flight free goes at once, alone, so a lone caller waits for nobody.
 */
export class Gathered<Request, Result> {
  private readonly waiting: Waiting<Request, Result>[] = [];
  private flying = 0;

  constructor(
    /** Answers a group, one result per request in its order; throwing fails the whole group. */
    private readonly send: (requests: Request[]) => Promise<Result[]>,
    private readonly maxGroup: number,
  ) {}

  call(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.launch();
    });
  }

  private launch(): void {
    while (this.flying < FLIGHTS && this.waiting.length > 0) {
      this.flying++;
      void this.fly(this.waiting.splice(0, this.maxGroup)).finally(() => {
        this.flying--;
        this.launch();
      });
    }
  }

  private async fly(group: Waiting<Request, Result>[]): Promise<void> {
    try {
      const results = await this.send(group.map((waiting) => waiting.request));
      group.forEach((waiting, i) => waiting.resolve(results[i]!));
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    }
  }
}
