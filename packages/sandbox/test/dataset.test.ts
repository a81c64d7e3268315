import { readFileSync } from "node:fs"
import { buildSchema, GraphQLEnumType } from "graphql"
import { describe, expect, it } from "vitest"
import { generateDataset, germanIban, ibanCheckDigits, isValidIban, Random } from "../src/Dataset.js"

const now = new Date("2025-06-30T12:00:00.000Z")
const twoYearsMs = 730 * 86_400_000

const schema = buildSchema(readFileSync(new URL("../schema.graphql", import.meta.url), "utf8"))

const enumValues = (name: string): ReadonlySet<string> => {
  const type = schema.getType(name)
  if (!(type instanceof GraphQLEnumType)) throw new Error(`${name} is not an enum of the schema`)
  return new Set(type.getValues().map((value) => value.name))
}

/** The fields that depend only on the seed. */
const seedFields = (dataset: ReturnType<typeof generateDataset>) =>
  dataset.transactions.map((t) => ({ id: t.id, amount: t.amount, name: t.name, iban: t.iban, type: t.type }))

describe("IBAN helpers", () => {
  it("computes the check digits of a known IBAN", () => {
    expect(ibanCheckDigits("DE", "370400440532013000")).toBe("89")
    expect(germanIban("37040044", "532013000")).toBe("DE89370400440532013000")
  })

  it("accepts valid IBANs with spaces and lower case", () => {
    expect(isValidIban("DE89 3704 0044 0532 0130 00")).toBe(true)
    expect(isValidIban("de89370400440532013000")).toBe(true)
    expect(isValidIban("GB82WEST12345698765432")).toBe(true)
  })

  it("rejects wrong check digits, lengths and characters", () => {
    expect(isValidIban("DE88370400440532013000")).toBe(false)
    expect(isValidIban("DE8937040044053201300")).toBe(false)
    expect(isValidIban("DE89370400440532013000X")).toBe(false)
    expect(isValidIban("DE89-3704-0044-0532-0130-00")).toBe(false)
    expect(isValidIban("")).toBe(false)
  })
})

describe("Random", () => {
  it("repeats its sequence for a seed", () => {
    const a = new Random(7)
    const b = new Random(7)
    const c = new Random(8)
    const first = Array.from({ length: 5 }, () => a.nextUint32())
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first)
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(first)
  })
})

describe("generateDataset", () => {
  it("generates 5,000 transactions by default", () => {
    const dataset = generateDataset({ now })
    expect(dataset.transactions).toHaveLength(5_000)
    expect(dataset.seed).toBe(42)
  })

  it("gives the same data for the same seed", () => {
    const first = generateDataset({ seed: 7, now })
    const second = generateDataset({ seed: 7, now })
    expect(second).toEqual(first)
    const sum = (d: typeof first) => d.transactions.reduce((total, t) => total + t.amount, 0)
    expect(sum(second)).toBe(sum(first))
  })

  it("gives different data for another seed", () => {
    const first = generateDataset({ seed: 7, now })
    const other = generateDataset({ seed: 8, now })
    expect(seedFields(other)).not.toEqual(seedFields(first))
  })

  it("keeps amounts and names when only now changes", () => {
    const first = generateDataset({ seed: 3, now })
    const later = generateDataset({ seed: 3, now: new Date("2026-02-11T08:30:00.000Z") })
    expect(seedFields(later)).toEqual(seedFields(first))
    expect(later.openingBalanceCents).toBe(first.openingBalanceCents)
    expect(later.transactions[0]?.bookingDate).not.toBe(first.transactions[0]?.bookingDate)
  })

  it("honours the transaction count", () => {
    expect(generateDataset({ transactions: 0, now }).transactions).toHaveLength(0)
    expect(generateDataset({ transactions: 17, now }).transactions).toHaveLength(17)
    expect(generateDataset({ transactions: 12_000, now }).transactions).toHaveLength(12_000)
  })

  it("rejects a negative or fractional count", () => {
    expect(() => generateDataset({ transactions: -1 })).toThrow(RangeError)
    expect(() => generateDataset({ transactions: 1.5 })).toThrow(RangeError)
  })

  it("gives every IBAN valid mod-97 check digits", () => {
    const dataset = generateDataset({ now })
    const ibans = dataset.transactions.flatMap((t) => (t.iban === null ? [] : [t.iban]))
    expect(ibans.length).toBeGreaterThan(1_000)
    for (const iban of ibans) {
      expect(iban, iban).toMatch(/^DE\d{20}$/)
      expect(isValidIban(iban), iban).toBe(true)
    }
  })

  it("lists bookings newest first within the two years before now", () => {
    const { transactions } = generateDataset({ now })
    for (let i = 1; i < transactions.length; i++) {
      const newer = transactions[i - 1]!
      const older = transactions[i]!
      expect(newer.bookingTime > older.bookingTime || (newer.bookingTime === older.bookingTime && newer.seq > older.seq)).toBe(true)
    }
    for (const t of transactions) {
      expect(t.bookingTime).toBeLessThan(now.getTime())
      expect(t.bookingTime).toBeGreaterThanOrEqual(now.getTime() - twoYearsMs - 86_400_000)
      expect(new Date(t.bookingDate).getTime()).toBe(t.bookingTime)
      expect(t.valutaTime).toBeLessThanOrEqual(t.bookingTime)
    }
  })

  it("keeps the running balance positive", () => {
    for (const seed of [1, 42, 99]) {
      const dataset = generateDataset({ seed, now })
      let balance = dataset.openingBalanceCents
      for (const t of [...dataset.transactions].reverse()) {
        balance += t.amount
        expect(balance).toBeGreaterThan(0)
      }
    }
  })

  it("uses integer cents and unique ids", () => {
    const { transactions } = generateDataset({ now })
    for (const t of transactions) {
      expect(Number.isInteger(t.amount)).toBe(true)
      expect(t.amount).not.toBe(0)
    }
    expect(new Set(transactions.map((t) => t.id)).size).toBe(transactions.length)
  })

  it("has incoming and outgoing money and German purposes", () => {
    const { transactions } = generateDataset({ now })
    expect(transactions.some((t) => t.amount > 0)).toBe(true)
    expect(transactions.some((t) => t.amount < 0)).toBe(true)
    expect(transactions.some((t) => /^Rechnung RE-\d{4}-\d{4}$/.test(t.purpose ?? ""))).toBe(true)
    expect(transactions.some((t) => t.purpose?.startsWith("Miete ") === true)).toBe(true)
    expect(transactions.some((t) => t.name?.startsWith("Finanzamt") === true)).toBe(true)
    expect(transactions.some((t) => t.name === "Techniker Krankenkasse")).toBe(true)
    expect(transactions.some((t) => t.paymentMethod === "card")).toBe(true)
  })

  it("uses only values of the schema's enums", () => {
    const { transactions } = generateDataset({ now })
    const checks: ReadonlyArray<readonly [string, (t: (typeof transactions)[number]) => string | null]> = [
      ["TransactionProjectionType", (t) => t.type],
      ["TransactionSource", (t) => t.source],
      ["TransactionCategory", (t) => t.category],
      ["CategorizationType", (t) => t.categorizationType],
      ["CategoryCode", (t) => t.categoryCode],
      ["VatCategoryCode", (t) => t.vatCategoryCode],
      ["VatRate", (t) => t.vatRate]
    ]
    for (const [enumName, read] of checks) {
      const allowed = enumValues(enumName)
      for (const t of transactions) {
        const value = read(t)
        if (value !== null) expect(allowed.has(value), `${enumName} ${value}`).toBe(true)
      }
    }
  })
})
