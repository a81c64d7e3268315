/**
 * Argument checks shared by the model services. Each fails with
 * `InvalidInput` naming the field, the value and the fix.
 */
import { DateTime, Effect, Option } from "effect"
import { InvalidInput, NotFound } from "../KontistError.js"

/**
 * A moment given as an Effect `DateTime`, a JavaScript `Date` or an ISO 8601
 * string such as `2025-03-01T00:00:00Z`.
 */
export type DateInput = DateTime.DateTime | Date | string

/** The API's maximum page size for relay connections. */
export const maxPageSize = 50

/** Converts `input` to a UTC `DateTime`, rejecting unparseable strings and invalid dates. */
export const toUtc = (input: DateInput, field: string): Effect.Effect<DateTime.Utc, InvalidInput> => {
  const parsed = DateTime.isDateTime(input) ? Option.some(input) : DateTime.make(input)
  return Option.match(parsed, {
    onNone: () =>
      Effect.fail(
        new InvalidInput({
          field,
          reason: `${JSON.stringify(String(input))} is not a date. Pass a DateTime, a Date or an ISO 8601 string such as "2025-03-01T09:00:00Z".`
        })
      ),
    onSome: (dateTime) => Effect.succeed(DateTime.toUtc(dateTime))
  })
}

/** Checks a page size: an integer from 1 to 50. */
export const validatePageSize = (value: unknown, field: string): Effect.Effect<number, InvalidInput> =>
  typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= maxPageSize
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidInput({
        field,
        reason: `${String(value)} is not a page size. Request a whole number from 1 to ${maxPageSize}, the API's maximum per page.`
      })
    )

/** Checks that `value` is a string with at least one non-space character. */
export const validateNonEmpty = (value: unknown, field: string): Effect.Effect<string, InvalidInput> =>
  typeof value === "string" && value.trim().length > 0
    ? Effect.succeed(value)
    : Effect.fail(new InvalidInput({ field, reason: `${field} is empty. Pass a non-empty string.` }))

/**
 * Returns the main account from a `viewer { mainAccount { ... } }` response,
 * or fails with `NotFound` when the API returned `null` for either.
 */
export const requireMainAccount = <A>(
  data: { readonly viewer: { readonly mainAccount: A | null } | null }
): Effect.Effect<A, NotFound> => {
  if (data.viewer === null) {
    return Effect.fail(
      new NotFound({
        resource: "viewer",
        description: "The API returned no user for this access token (viewer is null). Log in again."
      })
    )
  }
  if (data.viewer.mainAccount === null) {
    return Effect.fail(
      new NotFound({
        resource: "viewer.mainAccount",
        description: "The user has no main account (viewer.mainAccount is null). Balances, transactions and transfers need a Kontist bank account."
      })
    )
  }
  return Effect.succeed(data.viewer.mainAccount)
}
