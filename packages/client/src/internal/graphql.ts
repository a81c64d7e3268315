/**
 * `client.graphQL`: any GraphQL document as a promise.
 */
import { GraphQL, type Variables } from "@kontist/core/GraphQL"
import { Effect } from "effect"
import type { ClientServices } from "./layer.js"
import type { Runner } from "./runner.js"

/**
 * Sends GraphQL documents with the client's token.
 *
 * @since 0.1.0
 * @category facades
 */
export class GraphQLClient {
  readonly #runner: Runner<ClientServices, unknown>

  /** @internal */
  constructor(runner: Runner<ClientServices, unknown>) {
    this.#runner = runner
  }

  /**
   * Runs a query or mutation and resolves with its `data`, undecoded. The
   * first entry of the response's `errors` rejects as a `GraphQLError`.
   * Queries are retried on transient failures; mutations are sent once.
   */
  // `any` by default, as in the classic client: the data's shape is whatever
  // the document selects, so callers who want a type pass it.
  rawQuery<Data = any>(query: string, variables?: Variables): Promise<Data> {
    const effect = GraphQL.pipe(Effect.flatMap((graphQL) => graphQL.raw(query, variables)))
    return this.#runner.run("graphQL.rawQuery", effect) as Promise<Data>
  }
}
