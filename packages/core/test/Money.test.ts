import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Money from "../src/Money.js"

const reasonFor = (value: unknown) =>
  Effect.gen(function*() {
    const error = yield* Effect.flip(Money.validatePositiveCents(value, "transfer.amount"))
    expect(error.field).toBe("transfer.amount")
    return error.reason
  })

describe("Money", () => {
  it.effect("rejects 19.99 and names 1999 cents", () =>
    Effect.gen(function*() {
      const reason = yield* reasonFor(19.99)
      expect(reason).toContain("integer cents")
      expect(reason).toContain("19.99 EUR is 1999")
      expect(reason).not.toContain("1998")
    }))

  it.effect("rejects zero, negative and too large amounts", () =>
    Effect.gen(function*() {
      expect(yield* reasonFor(0)).toContain("at least 1 cent")
      expect(yield* reasonFor(-500)).toContain("negative")
      expect(yield* reasonFor(2_147_483_648)).toContain("2147483647")
    }))

  it.effect("rejects NaN, infinity and strings", () =>
    Effect.gen(function*() {
      expect(yield* reasonFor(Number.NaN)).toContain("not an amount")
      expect(yield* reasonFor(Number.POSITIVE_INFINITY)).toContain("not an amount")
      expect(yield* reasonFor("1999")).toContain("fromEuros")
    }))

  it.effect("accepts the 32-bit bounds", () =>
    Effect.gen(function*() {
      expect(yield* Money.validatePositiveCents(1, "amount")).toBe(1)
      expect(yield* Money.validatePositiveCents(Money.maxInt32, "amount")).toBe(2_147_483_647)
    }))

  it.effect("allows negative cents in Cents", () =>
    Effect.gen(function*() {
      expect(yield* Money.validateCents(-1999, "amount")).toBe(-1999)
      const error = yield* Effect.flip(Money.validateCents(0.1, "amount"))
      expect(error.reason).toContain("0.1 EUR is 10")
    }))

  it.effect("converts euro strings exactly", () =>
    Effect.gen(function*() {
      expect(yield* Money.fromEuros("19.99")).toBe(1999)
      expect(yield* Money.fromEuros("19,9")).toBe(1990)
      expect(yield* Money.fromEuros("-0.05")).toBe(-5)
      expect(yield* Money.fromEuros("1234")).toBe(123400)
      expect(yield* Money.fromEuros("0.29")).toBe(29)
      expect(yield* Money.fromEuros("1.15")).toBe(115)
    }))

  it.effect("rejects ambiguous euro strings", () =>
    Effect.gen(function*() {
      for (const input of ["1.234,56", "19.999", "abc", "", "1e3"]) {
        const error = yield* Effect.flip(Money.fromEuros(input))
        expect(error.reason).toContain("two decimals")
      }
    }))

  it("formats cents without float rounding", () => {
    expect(Money.toDecimalString(-1999)).toBe("-19.99")
    expect(Money.toDecimalString(5)).toBe("0.05")
    expect(Money.toDecimalString(Number.MAX_SAFE_INTEGER)).toBe("90071992547409.91")
    expect(Money.format(123456)).toBe("1.234,56\u00a0€")
    expect(Money.format(Number.MAX_SAFE_INTEGER)).toContain("409,91")
    expect(Money.format(1999, { locale: "en-US" })).toBe("€19.99")
  })

  it("brands decoded amounts", () => {
    expect(Schema.decodeUnknownSync(Money.Cents)(-5)).toBe(-5)
    expect(() => Schema.decodeUnknownSync(Money.PositiveCents)(19.99)).toThrow(/1999/)
  })
})
