/**
 * International Bank Account Numbers (ISO 13616): normalisation, length per
 * country and the mod-97 checksum.
 *
 * @since 0.1.0
 */
import { Effect, Either, ParseResult, Schema } from "effect"
import { InvalidInput } from "./KontistError.js"

/**
 * IBAN length per country code, following the SWIFT IBAN Registry and
 * checked against the region table of the IbanNet library. An IBAN whose
 * country code is missing here is rejected: every SEPA country is listed.
 *
 * @since 0.1.0
 * @category constants
 */
export const lengthByCountry: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27,
  BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28,
  EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23,
  GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21,
  LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25,
  SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30
}

/**
 * Countries whose account number part (the BBAN, after the check digits)
 * has only digits, so that a letter there, such as `O` typed for `0`, gets a
 * precise message rather than a checksum failure.
 */
const numericBbanCountries: ReadonlySet<string> = new Set([
  "AT", "BE", "CZ", "DE", "DK", "EE", "ES", "FI", "HR", "LT", "NO", "PL", "PT", "SE", "SI", "SK"
])

const example = "DE89 3704 0044 0532 0130 00"

/** Hints for letters that people type in place of a digit that looks alike. */
const lookalikeHints: Readonly<Record<string, string>> = {
  O: " (an O typed for a 0?)",
  I: " (an I typed for a 1?)",
  L: " (an L typed for a 1?)"
}

/**
 * Removes spaces (including non-breaking ones) and upper-cases the letters,
 * so that `de89 3704 0044 0532 0130 00` becomes `DE89370400440532013000`.
 *
 * @since 0.1.0
 * @category normalisation
 */
export const normalize = (input: string): string => input.replace(/\s+/g, "").toUpperCase()

/**
 * Computes the ISO 7064 MOD 97-10 remainder of an IBAN after moving the first
 * four characters to the end and replacing each letter with two digits
 * (A = 10 ... Z = 35). A valid IBAN gives 1. The input must contain only
 * digits and upper-case letters.
 */
const mod97 = (iban: string): number => {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const character of rearranged) {
    const code = character.charCodeAt(0)
    // Digits add one decimal place, letters (A = 10 ... Z = 35) add two.
    remainder = code <= 57
      ? (remainder * 10 + (code - 48)) % 97
      : (remainder * 100 + (code - 55)) % 97
  }
  return remainder
}

/**
 * Checks a normalised IBAN and returns why it is invalid, or `undefined`
 * when it is valid. The reason names the value and how to fix it.
 */
const findProblem = (iban: string): string | undefined => {
  if (iban.length === 0) {
    return `The IBAN is empty. Enter a country code, two check digits and the account number, such as ${example}.`
  }

  const invalidCharacters = [...new Set(iban.replace(/[A-Z0-9]/g, ""))]
  if (invalidCharacters.length > 0) {
    const listed = invalidCharacters.map((character) => JSON.stringify(character)).join(", ")
    return `"${iban}" contains ${listed}, but an IBAN has only letters and digits (spaces are ignored).`
  }

  if (!/^[A-Z]{2}[0-9]{2}/.test(iban)) {
    return `"${iban}" does not start with a two-letter country code and two check digits, as in ${example}.`
  }

  const country = iban.slice(0, 2)
  const expectedLength = lengthByCountry[country]
  if (expectedLength === undefined) {
    return `"${iban}" starts with ${country}, which is not a country code of the IBAN registry. Check the first two letters, as in ${example}.`
  }
  if (iban.length !== expectedLength) {
    return `"${iban}" has ${iban.length} characters, but ${country} IBANs have ${expectedLength}. Check for a missing or extra character.`
  }

  const letterInBban = iban.slice(4).search(/[A-Z]/)
  if (numericBbanCountries.has(country) && letterInBban >= 0) {
    const letter = iban.charAt(4 + letterInBban)
    const hint = lookalikeHints[letter] ?? ""
    return `"${iban}" has the letter ${letter} at position ${5 + letterInBban}${hint}, but ${country} IBANs have only digits after the country code.`
  }

  if (mod97(iban) !== 1) {
    return `"${iban}" fails the IBAN checksum (mod 97). Check the digits for a typo.`
  }

  return undefined
}

/**
 * A normalised IBAN (no spaces, upper case) whose length fits its country
 * and whose mod-97 checksum is valid.
 *
 * @since 0.1.0
 * @category schemas
 */
export const IbanFromSelf = Schema.String.pipe(
  Schema.filter((iban) => findProblem(iban)),
  Schema.brand("Iban"),
  Schema.annotations({
    identifier: "Iban",
    description: "an IBAN without spaces, in upper case, with a valid mod-97 checksum"
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export type Iban = typeof IbanFromSelf.Type

/**
 * Decodes an IBAN as people write it (`de89 3704 0044 0532 0130 00`): removes
 * spaces, upper-cases, and checks the country code, check digits, the length
 * for the country and the mod-97 checksum. Encodes to the normalised form.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Iban: Schema.Schema<Iban, string> = Schema.transform(Schema.String, IbanFromSelf, {
  strict: true,
  decode: normalize,
  encode: (iban) => iban
})

/**
 * Normalises and checks `input`, failing with `InvalidInput` for `field`
 * (such as `transfer.iban`) with a reason that names the value and the fix.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (input: string, field: string): Effect.Effect<Iban, InvalidInput> =>
  Either.match(Schema.decodeUnknownEither(Iban)(input), {
    onLeft: (error) => Effect.fail(new InvalidInput({ field, reason: firstMessage(error, input) })),
    onRight: Effect.succeed
  })

const firstMessage = (error: ParseResult.ParseError, input: unknown): string => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return typeof input === "string" && issue !== undefined
    ? issue.message
    : `expected the IBAN as a string, got ${typeof input}.`
}

/**
 * Tells whether `input` is a valid IBAN once spaces are removed and letters
 * upper-cased.
 *
 * @since 0.1.0
 * @category validation
 */
export const isValid = (input: string): boolean => findProblem(normalize(input)) === undefined

/**
 * Formats an IBAN in groups of four characters for display.
 *
 * @since 0.1.0
 * @category formatting
 */
export const format = (iban: string): string => normalize(iban).replace(/(.{4})(?=.)/g, "$1 ")

/**
 * Shortens an IBAN to its country code and last four characters, such as
 * `DE…3000`, for span attributes and messages where the whole number must
 * not appear.
 *
 * @since 0.1.0
 * @category formatting
 */
export const mask = (iban: string): string => {
  const normalized = normalize(iban)
  return normalized.length <= 6 ? "…" : `${normalized.slice(0, 2)}…${normalized.slice(-4)}`
}
