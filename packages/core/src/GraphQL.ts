/**
 * Sends GraphQL documents to `/api/graphql` with the current access token and
 * decodes the `data` with a Schema.
 *
 * @since 0.1.0
 */
import { Context, type Effect, type Schema } from "effect"
import type { GraphQLError, KontistError } from "./KontistError.js"

/**
 * Variables of a GraphQL operation.
 *
 * @since 0.1.0
 * @category models
 */
export type Variables = Readonly<Record<string, unknown>>

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Runs a query or mutation and decodes `data` with `schema`.
   *
   * Each `errors` entry becomes a `GraphQLError` (the first is the failure);
   * HTTP 401 becomes `Unauthorized`; a body that is not the JSON the API
   * documents becomes `ResponseError`. Queries are retried on transient
   * failures; mutations never are.
   */
  readonly execute: <A, I>(
    document: string,
    variables: Variables | undefined,
    schema: Schema.Schema<A, I, never>
  ) => Effect.Effect<A, KontistError>

  /** Runs any document and returns `data` undecoded. */
  readonly raw: (document: string, variables?: Variables) => Effect.Effect<unknown, KontistError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class GraphQL extends Context.Tag("@kontist/core/GraphQL")<GraphQL, Service>() {}

export type { GraphQLError }
