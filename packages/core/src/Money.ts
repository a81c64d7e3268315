/**
 * Amounts of money as integer cents, the unit of every amount in the Kontist
 * API. Nothing here converts through floating point, so 19.99 EUR is always
 * 1999 cents and never 1998.
 *
 * @since 0.1.0
 */
import { Effect, Either, ParseResult, Schema } from "effect"
import { InvalidInput } from "./KontistError.js"

/**
 * The largest value of the GraphQL `Int` type (a signed 32-bit integer), and
 * so the largest amount of cents a transfer can carry.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxInt32 = 2_147_483_647

/**
 * Writes an exact decimal string of euros for a whole number of cents, such
 * as `"-19.99"` for -1999.
 *
 * @since 0.1.0
 * @category formatting
 */
export const toDecimalString = (cents: number): string => {
  const sign = cents < 0 ? "-" : ""
  const absolute = Math.abs(cents)
  // Both operations are exact for safe integers, so no rounding occurs.
  const fraction = absolute % 100
  const euros = (absolute - fraction) / 100
  return `${sign}${euros}.${String(fraction).padStart(2, "0")}`
}

/**
 * Converts a decimal string of euros to cents with integer arithmetic.
 * Returns the reason as a string when the text is not a plain amount with at
 * most two decimals.
 */
const parseEuros = (input: string): Either.Either<number, string> => {
  const text = input.trim()
  const match = /^([+-]?)(\d+)(?:[.,](\d{1,2}))?$/.exec(text)
  if (match === null) {
    return Either.left(
      `${JSON.stringify(input)} is not an amount of euros. Write digits with at most two decimals and no thousands separators, such as "1234.56" or "1234,56".`
    )
  }

  const [, sign = "", euros = "0", fraction = ""] = match
  const cents = BigInt(euros) * 100n + BigInt(fraction.padEnd(2, "0"))
  const signed = sign === "-" ? -cents : cents
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
    return Either.left(`${JSON.stringify(input)} is too large to count in cents exactly.`)
  }
  return Either.right(Number(signed))
}

/**
 * Explains why `value` is not a whole number of cents, with the correct
 * conversion when `value` reads as euros with at most two decimals.
 */
const notCentsReason = (value: number): string => {
  if (!Number.isFinite(value)) {
    return `${value} is not an amount. Amounts are integer cents, such as 1999 for 19.99 EUR.`
  }
  if (Number.isInteger(value)) {
    return `${value} is outside the range of cents that JavaScript numbers count exactly (±${Number.MAX_SAFE_INTEGER}).`
  }

  const asEuros = parseEuros(String(value))
  const example = Either.isRight(asEuros)
    ? `so ${value} EUR is ${asEuros.right}`
    : "such as 1999 for 19.99 EUR"
  return `${value} is not a whole number of cents. Amounts are integer cents, ${example}.`
}

/**
 * A whole number of cents within JavaScript's safe integer range. Signed:
 * incoming transactions are positive, outgoing ones negative.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Cents = Schema.Number.pipe(
  Schema.filter((value) => Number.isSafeInteger(value) ? undefined : notCentsReason(value)),
  Schema.brand("Cents"),
  Schema.annotations({ identifier: "Cents", description: "an integer amount of euro cents" })
)

/**
 * @since 0.1.0
 * @category models
 */
export type Cents = typeof Cents.Type

/**
 * A transfer amount: whole cents from 1 to 2147483647, the range of the
 * API's 32-bit `Int`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PositiveCents = Cents.pipe(
  Schema.filter((value) => {
    if (value === 0) {
      return "0 cents is no transfer amount. Send at least 1 cent."
    }
    if (value < 0) {
      return `${value} cents is negative. Transfer amounts are positive, because the transfer itself makes the money outgoing.`
    }
    if (value > maxInt32) {
      return `${value} cents is more than the API's maximum of ${maxInt32} cents (${toDecimalString(maxInt32)} EUR).`
    }
    return undefined
  }),
  Schema.brand("PositiveCents"),
  Schema.annotations({ identifier: "PositiveCents", description: "an amount of euro cents from 1 to 2147483647" })
)

/**
 * @since 0.1.0
 * @category models
 */
export type PositiveCents = typeof PositiveCents.Type

const decodeWith = <A>(schema: Schema.Schema<A, number>) => {
  const decode = Schema.decodeUnknownEither(schema)
  return (value: unknown, field: string): Effect.Effect<A, InvalidInput> =>
    Either.match(decode(value), {
      onLeft: (error) => Effect.fail(new InvalidInput({ field, reason: reasonOf(error, value) })),
      onRight: Effect.succeed
    })
}

const reasonOf = (error: ParseResult.ParseError, value: unknown): string => {
  if (typeof value !== "number") {
    return `expected a number of cents, got ${typeof value === "string" ? JSON.stringify(value) : typeof value}. Convert euro strings with Money.fromEuros.`
  }
  return ParseResult.ArrayFormatter.formatErrorSync(error)[0]?.message ?? `${value} is not a valid amount of cents.`
}

/**
 * Checks that `value` is a whole number of cents, failing with
 * `InvalidInput` for `field` otherwise. A float such as 19.99 is rejected,
 * never rounded.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateCents: (value: unknown, field: string) => Effect.Effect<Cents, InvalidInput> = decodeWith(Cents)

/**
 * Checks that `value` is a transfer amount: whole cents from 1 to
 * 2147483647. Fails with `InvalidInput` for `field` otherwise.
 *
 * @since 0.1.0
 * @category validation
 */
export const validatePositiveCents: (value: unknown, field: string) => Effect.Effect<PositiveCents, InvalidInput> =
  decodeWith(PositiveCents)

/**
 * Converts a decimal string of euros such as `"19.99"` or `"19,99"` to cents
 * (1999) without floating-point arithmetic. More than two decimals,
 * thousands separators and other text fail with `InvalidInput`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromEuros = (euros: string, field = "amount"): Effect.Effect<Cents, InvalidInput> =>
  Either.match(parseEuros(euros), {
    onLeft: (reason) => Effect.fail(new InvalidInput({ field, reason })),
    onRight: (cents) => Effect.succeed(Cents.make(cents))
  })

/**
 * Formats cents as a currency amount for display, such as `19,99 €` for 1999
 * in the default `de-DE` locale. The amount reaches `Intl.NumberFormat` as an
 * exact decimal string, so large amounts print exactly where the engine
 * accepts string amounts (checked on Node 20). Older engines convert the
 * string to a number first.
 *
 * @since 0.1.0
 * @category formatting
 */
export const format = (
  cents: number,
  options?: { readonly locale?: string | undefined; readonly currency?: string | undefined }
): string => {
  const formatter = new Intl.NumberFormat(options?.locale ?? "de-DE", {
    style: "currency",
    currency: options?.currency ?? "EUR"
  })
  // The ES2022 typings accept only numbers. Engines without string support convert the string to a number.
  return (formatter.format as unknown as (value: string) => string)(toDecimalString(cents))
}
