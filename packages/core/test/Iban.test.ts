import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Iban from "../src/Iban.js"

const invalidReason = (input: string) =>
  Effect.gen(function*() {
    const error = yield* Effect.flip(Iban.validate(input, "transfer.iban"))
    expect(error._tag).toBe("InvalidInput")
    expect(error.field).toBe("transfer.iban")
    return error.reason
  })

describe("Iban", () => {
  it.effect("normalises spaces and case", () =>
    Effect.gen(function*() {
      const iban = yield* Iban.validate(" de89 3704 0044 0532 0130 00 ", "iban")
      expect(iban).toBe("DE89370400440532013000")
    }))

  it.effect("accepts valid IBANs of several countries", () =>
    Effect.gen(function*() {
      const valid = [
        "GB29 NWBK 6016 1331 9268 19",
        "NO93 8601 1117 947",
        "FR14 2004 1010 0505 0001 3M02 606",
        "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
        "LC55 HEMM 0001 0001 0012 0012 0002 3015"
      ]
      for (const input of valid) {
        expect(yield* Iban.validate(input, "iban")).toBe(Iban.normalize(input))
      }
    }))

  it.effect("rejects a wrong check digit", () =>
    Effect.gen(function*() {
      const reason = yield* invalidReason("DE89 3704 0044 0532 0130 01")
      expect(reason).toContain("DE89370400440532013001")
      expect(reason).toContain("checksum")
    }))

  it.effect("rejects a German IBAN of 21 characters", () =>
    Effect.gen(function*() {
      const reason = yield* invalidReason("DE89 3704 0044 0532 0130 0")
      expect(reason).toContain("21 characters")
      expect(reason).toContain("DE IBANs have 22")
    }))

  it.effect("rejects punctuation", () =>
    Effect.gen(function*() {
      const reason = yield* invalidReason("DE89-3704-0044-0532-0130-00")
      expect(reason).toContain(`"-"`)
    }))

  it.effect("rejects an empty string", () =>
    Effect.gen(function*() {
      expect(yield* invalidReason("   ")).toContain("empty")
    }))

  it.effect("rejects a missing country code", () =>
    Effect.gen(function*() {
      expect(yield* invalidReason("8937040044053201300012")).toContain("country code")
    }))

  it.effect("rejects an unknown country code", () =>
    Effect.gen(function*() {
      expect(yield* invalidReason("ZZ12 3456")).toContain("ZZ, which is not a country code")
      // The checksum of this one is valid, so only the country check rejects it.
      expect(yield* invalidReason("ZZ22370400440532013000")).toContain("not a country code")
    }))

  it.effect("names a letter in a numeric account number", () =>
    Effect.gen(function*() {
      const reason = yield* invalidReason("DE89 3704 0044 0532 O130 00")
      expect(reason).toContain("letter O at position 17")
      expect(reason).toContain("an O typed for a 0?")
      expect(reason).toContain("DE IBANs have only digits")
    }))

  it("decodes and encodes with the schema", () => {
    const iban = Schema.decodeSync(Iban.Iban)("de89 3704 0044 0532 0130 00")
    expect(iban).toBe("DE89370400440532013000")
    expect(Schema.encodeSync(Iban.Iban)(iban)).toBe("DE89370400440532013000")
    expect(() => Schema.decodeSync(Iban.Iban)("DE00370400440532013000")).toThrow(/checksum/)
  })

  it("formats and masks", () => {
    expect(Iban.format("DE89370400440532013000")).toBe("DE89 3704 0044 0532 0130 00")
    expect(Iban.mask("DE89 3704 0044 0532 0130 00")).toBe("DE…3000")
    expect(Iban.isValid("de89 3704 0044 0532 0130 00")).toBe(true)
    expect(Iban.isValid("DE89 3704 0044 0532 0130 01")).toBe(false)
  })
})
