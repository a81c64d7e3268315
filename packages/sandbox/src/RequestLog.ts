/**
 * The log of API requests the sandbox received, for tests and the demo to
 * check what a client sent. Entries contain no token, secret or password.
 */

export interface RecordedRequest {
  /** HTTP method, or `WS` for a subscribe message on a graphql-ws connection. */
  readonly method: string
  /** Path without the query, such as `/api/graphql`. */
  readonly path: string
  /** `grant_type` of a token request. */
  readonly grantType?: string
  readonly operationType?: "query" | "mutation" | "subscription"
  readonly operationName?: string
  /** Top-level fields of the GraphQL operation, such as `createTransfer`. */
  readonly fields?: ReadonlyArray<string>
}

export class RequestLog {
  #entries: Array<RecordedRequest> = []

  record(entry: RecordedRequest): void {
    this.#entries.push(entry)
  }

  /** Returns every recorded request, oldest first. */
  all(): ReadonlyArray<RecordedRequest> {
    return [...this.#entries]
  }

  clear(): void {
    this.#entries = []
  }
}
