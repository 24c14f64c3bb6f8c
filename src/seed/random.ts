import { createHash } from 'node:crypto';

/**
 * Seeded randomness for the simulation: sfc32 (Chris Doty-Humphrey's small fast counting
 * generator), its state taken from a SHA-256 of the seed and a label. Each part of the world
 * draws from a stream of its own (`Random.of(seed, 'event', key)`), so that adding a draw to one
 * attendee's or event's story never shifts the numbers every later one gets.
 */
export class Random {
  private constructor(private a: number, private b: number, private c: number, private d: number) {}

  static of(seed: number, ...labels: (string | number)[]): Random {
    const digest = createHash('sha256').update(JSON.stringify([seed, ...labels])).digest();
    const random = new Random(digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12));
    // The first outputs of a counting generator still echo its seed words.
    for (let i = 0; i < 12; i++) random.next();
    return random;
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A whole number from `min` to `max`, both included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Box–Muller; one of the pair is thrown away, which costs nothing worth saving here. */
  normal(mean = 0, deviation = 1): number {
    const u = 1 - this.next();
    return mean + deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal with the given median: delays and sizes are skewed, most small and a few long. */
  skewed(median: number, spread: number): number {
    return median * Math.exp(this.normal(0, spread));
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Nothing to pick from');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /**
   * `count` of `items` without replacement, each drawn with odds in proportion to its weight
   * (Efraimidis and Spirakis' keys: the largest u^(1/w) win), in the order they were drawn.
   */
  sample<T>(items: readonly T[], count: number, weight: (item: T) => number): T[] {
    return items
      .map((item) => ({ item, key: Math.log(1 - this.next()) / Math.max(weight(item), 1e-12) }))
      .sort((x, y) => y.key - x.key)
      .slice(0, Math.max(0, count))
      .map(({ item }) => item);
  }
}
