/**
 * The project's one seeded PRNG: xoshiro128** (Blackman & Vigna 2018, "Scrambled linear
 * pseudorandom number generators"), 32-bit state words seeded by splitmix32 from one integer.
 * Doubles take 53 bits from two outputs, so uniform() is exact to double precision. The same
 * seed gives the same stream on every machine (only 32-bit integer arithmetic is used).
 */
export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareGaussian: number | undefined;

  constructor(seed: number) {
    let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    // splitmix32: z = (state += 0x9e3779b9); z = (z ^ z>>>16)·0x21f0aaad; z = (z ^ z>>>15)·0x735a2d97; z ^ z>>>15
    const next = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer: xoshiro128** output rotl(s1·5, 7)·9. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits: (a·2²¹ + b) / 2⁵³, a of 32 bits, b of 21. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1) by the Box–Muller transform (the second value is kept for the next call). */
  gaussian(): number {
    if (this.spareGaussian !== undefined) {
      const spare = this.spareGaussian;
      this.spareGaussian = undefined;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareGaussian = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Fills out with N(mean, std²) samples. */
  fillGaussian(out: Float64Array, mean = 0, std = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.gaussian();
    return out;
  }

  /** Uniform sample in the d-ball of radius r: r·u^(1/d)·z/‖z‖ with z ~ N(0, I), u ~ U(0, 1). */
  uniformInBall(out: Float64Array, radius: number): Float64Array {
    this.fillGaussian(out);
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += out[i] * out[i];
    const scale = (radius * Math.pow(this.uniform(), 1 / out.length)) / Math.sqrt(sum);
    for (let i = 0; i < out.length; i++) out[i] *= scale;
    return out;
  }

  /** Fisher–Yates shuffle of 0..n-1. */
  permutation(n: number): Uint32Array {
    const result = new Uint32Array(n);
    for (let i = 0; i < n; i++) result[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const tmp = result[i];
      result[i] = result[j];
      result[j] = tmp;
    }
    return result;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
