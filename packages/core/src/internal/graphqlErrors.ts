/**
 * The mapping of a GraphQL response's `errors` array to `GraphQLError`,
 * shared by requests over HTTP and subscriptions.
 *
 * @internal
 */
import type { Array as Arr } from "effect"
import { Schema } from "effect"
import { GraphQLError, type GraphQLErrorEntry } from "../KontistError.js"

/** One entry of a response's `errors` array as the server sends it. */
export const ErrorEntry = Schema.Struct({
  message: Schema.optionalWith(Schema.String, { default: () => "the server sent no message" }),
  path: Schema.optionalWith(Schema.Array(Schema.Union(Schema.String, Schema.Number)), {
    nullable: true,
    default: () => []
  }),
  extensions: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { nullable: true })
})

const toEntry = (entry: typeof ErrorEntry.Type, httpStatus: number | undefined): GraphQLErrorEntry => {
  const extensions = entry.extensions ?? {}
  // graphql-js validation errors carry no extensions, so the HTTP status is
  // used in place of `extensions.status`.
  const status = typeof extensions.status === "number" ? extensions.status : httpStatus
  const type = typeof extensions.type === "string"
    ? extensions.type
    : typeof extensions.code === "string"
    ? extensions.code
    : undefined

  return {
    description: entry.message,
    path: entry.path,
    ...(status === undefined ? {} : { status }),
    ...(type === undefined ? {} : { type })
  }
}

/**
 * Builds the failure for a non-empty `errors` array: the first entry becomes
 * the error itself and the others its `otherErrors`. `httpStatus` is the
 * status of a response that is not 2xx, undefined otherwise and for
 * subscription events.
 */
export const fromEntries = (
  entries: Arr.NonEmptyReadonlyArray<typeof ErrorEntry.Type>,
  operation: string,
  httpStatus: number | undefined
): GraphQLError => {
  const [first, ...others] = entries
  return new GraphQLError({
    ...toEntry(first, httpStatus),
    operation,
    otherErrors: others.map((entry) => toEntry(entry, httpStatus))
  })
}
