/**
 * The seeded pseudo-random number generator and string hash behind the
 * sandbox's deterministic data set.
 *
 * @since 0.1.0
 */

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through splitmix32.
 *
 * @since 0.1.0
 * @category random
 */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let state = seed >>> 0
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) >>> 0
      let z = state
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = splitmix()
    this.b = splitmix()
    this.c = splitmix()
    this.d = splitmix()
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) >>> 0
    return t
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  /** Picks an item with probability proportional to its `weight`. */
  pickWeighted<A extends { readonly weight: number }>(items: ReadonlyArray<A>): A {
    const total = items.reduce((sum, item) => sum + item.weight, 0)
    let roll = this.next() * total
    for (const item of items) {
      roll -= item.weight
      if (roll < 0) return item
    }
    return this.pick(items)
  }

  pick<A>(items: ReadonlyArray<A>): A {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new Error("Random.pick called with an empty array")
    return item
  }

  /** Random digits, leading zeros included. */
  digits(count: number): string {
    let out = ""
    for (let i = 0; i < count; i++) out += String(this.int(0, 9))
    return out
  }

  /** A version 4 UUID built from this generator. */
  uuid(): string {
    const hex = (n: number) => n.toString(16).padStart(8, "0")
    const raw = hex(this.nextUint32()) + hex(this.nextUint32()) + hex(this.nextUint32()) + hex(this.nextUint32())
    const variant = ((parseInt(raw.charAt(16), 16) & 0x3) | 0x8).toString(16)
    return `${raw.slice(0, 8)}-${raw.slice(8, 12)}-4${raw.slice(13, 16)}-${variant}${raw.slice(17, 20)}-${raw.slice(20, 32)}`
  }
}

/** FNV-1a, 32 bit. */
export const hashString = (value: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}
