/**
 * GraphQL subscriptions over `graphql-ws` (the `graphql-transport-ws`
 * protocol) as `Stream`s, such as the transactions booked from now on.
 *
 * @since 0.1.0
 */
import * as Socket from "@effect/platform/Socket"
import { Cause, Context, Effect, Either, Exit, Layer, ParseResult, Redacted, Runtime, Schema, Stream } from "effect"
import { type Client, createClient, type FormattedExecutionResult } from "graphql-ws/client"
import { Auth } from "./Auth.js"
import type { Variables } from "./GraphQL.js"
import { KontistConfig } from "./KontistConfig.js"
import * as GraphQLErrors from "./internal/graphqlErrors.js"
import { selectionSet } from "./internal/selection.js"
import { type KontistError, ResponseError, SubscriptionError } from "./KontistError.js"
import { Transaction } from "./Transactions.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Runs a subscription document and decodes each event's `data` with
   * `schema`. Every run of the stream opens its own WebSocket, authorized
   * with the current access token, and closes it when the stream ends.
   * A socket the server drops ends the stream with `SubscriptionError`.
   */
  readonly subscribe: <A, I>(
    document: string,
    variables: Variables | undefined,
    schema: Schema.Schema<A, I, never>
  ) => Stream.Stream<A, KontistError>

  /** Every transaction booked on the main account while the stream runs. Needs the `subscriptions` scope. */
  readonly newTransactions: Stream.Stream<Transaction, KontistError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Subscriptions extends Context.Tag("@kontist/core/Subscriptions")<Subscriptions, Service>() {}

const newTransactionsDocument = `subscription NewTransaction {
  newTransaction ${selectionSet(Transaction)}
}`

/**
 * The GraphQL documents this module sends, by operation.
 *
 * @since 0.1.0
 * @category documents
 */
export const documents = {
  newTransactions: newTransactionsDocument
} as const

const NewTransactionResponse = Schema.Struct({ newTransaction: Transaction })

type WebSocketConstructor = Context.Tag.Service<typeof Socket.WebSocketConstructor>

/**
 * graphql-ws calls `new webSocketImpl(url, protocol)` and reads the
 * `OPEN` constant from it, so the platform's constructor function is wrapped
 * in a class whose constructor returns the socket.
 */
const webSocketClass = (construct: WebSocketConstructor) =>
  class KontistWebSocket {
    static readonly CONNECTING = 0
    static readonly OPEN = 1
    static readonly CLOSING = 2
    static readonly CLOSED = 3

    constructor(url: string, protocols?: string | Array<string>) {
      return construct(url, protocols)
    }
  }

interface CloseEventLike {
  readonly code: number
  readonly reason: string
}

const isCloseEventLike = (value: unknown): value is CloseEventLike =>
  typeof value === "object" && value !== null && "code" in value && typeof value.code === "number" &&
  "reason" in value

const decodeErrorEntries = Schema.decodeUnknownEither(Schema.NonEmptyArray(GraphQLErrors.ErrorEntry))

const operationNameOf = (document: string): string => /\bsubscription\s+(\w+)/.exec(document)?.[1] ?? "subscription"

/**
 * Turns an `Exit` into an `Either` of its value or typed failure. Defects and
 * interruptions are thrown, so graphql-ws reports them as a socket error.
 */
const toEither = <A, E>(exit: Exit.Exit<A, E>): Either.Either<A, E> => {
  if (Exit.isSuccess(exit)) return Either.right(exit.value)
  return Either.match(Cause.failureOrCause(exit.cause), {
    onLeft: (error) => Either.left(error),
    onRight: (cause) => {
      throw Cause.squash(cause)
    }
  })
}

/**
 * Disposes the client, which closes its socket with code 1000. `dispose`
 * sets the client's disposed flag before its first `await`, so a reconnect
 * that the same close event queued finds the client disposed and stops.
 */
const disposeQuietly = (client: Client): Promise<void> => {
  try {
    return Promise.resolve(client.dispose()).catch(() => undefined)
  } catch {
    return Promise.resolve()
  }
}

/** Close codes with which a graphql-ws server rejects the connection itself. */
const rejectionCodes = new Set([4400, 4401, 4403])

/**
 * Builds the service. It needs the subscription URL from `KontistConfig`,
 * `Auth` for the access token and the platform's WebSocket constructor.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, Auth | KontistConfig | Socket.WebSocketConstructor> = Effect.gen(
  function*() {
    const auth = yield* Auth
    const config = yield* KontistConfig
    const WebSocketImpl = webSocketClass(yield* Socket.WebSocketConstructor)
    const url = config.subscriptionUrl

    const closedError = (event: CloseEventLike, acknowledged: boolean): SubscriptionError => {
      const reason = event.reason.length > 0 ? ` (${event.reason})` : ""
      if (rejectionCodes.has(event.code)) {
        return new SubscriptionError({
          reason: "Rejected",
          code: event.code,
          description: `the server at ${url} rejected the connection${reason}. Check that the access token is valid and has the subscriptions scope.`
        })
      }
      if (!acknowledged) {
        return new SubscriptionError({
          reason: "ConnectionFailed",
          code: event.code,
          description: `could not open a subscription at ${url}${reason}. Check the subscription URL and that the server is reachable.`
        })
      }
      // NOTE: the stream does not reconnect yet. A caller who wants to continue
      // subscribes again, and events published in between are lost.
      return new SubscriptionError({
        reason: "Closed",
        code: event.code,
        description: `the server at ${url} closed the connection${reason}. Subscribe again to continue.`
      })
    }

    const decodeFailure = (error: ParseResult.ParseError, operation: string, what: string): ResponseError => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      const where = issue === undefined ? "" : ` at ${issue.path.join(".")}: ${issue.message}`
      return new ResponseError({
        reason: "Decode",
        request: `SUBSCRIBE ${url} (${operation})`,
        description: `the ${what} did not match the expected shape${where}`
      })
    }

    /** Maps a non-empty `errors` array of the operation to one `GraphQLError`. */
    const fromErrors = (errors: unknown, operation: string): KontistError =>
      Either.match(decodeErrorEntries(errors), {
        onLeft: (error) => decodeFailure(error, operation, "errors array"),
        onRight: (entries) => GraphQLErrors.fromEntries(entries, operation, undefined)
      })

    /**
     * Maps what graphql-ws reports to a sink's `error` or a `closed` listener:
     * GraphQL errors of the operation, a close event, or a socket error event.
     */
    const toKontistError = (error: unknown, acknowledged: boolean, operation: string): KontistError => {
      if (Array.isArray(error) && error.length > 0) {
        return fromErrors(error, operation)
      }
      if (isCloseEventLike(error)) {
        return closedError(error, acknowledged)
      }
      const detail = error instanceof Error ? `: ${error.message}` : ""
      return new SubscriptionError({
        reason: "ConnectionFailed",
        description: `the WebSocket to ${url} failed${detail}. Check the subscription URL and that the server is reachable.`
      })
    }

    /** Decodes one `next` payload, or returns the error that ends the stream. */
    const decodeEvent = <A, I>(schema: Schema.Schema<A, I, never>, operation: string) => {
      const decode = Schema.decodeUnknownEither(schema)
      return (result: FormattedExecutionResult<Record<string, unknown>, unknown>): Either.Either<A, KontistError> => {
        if (result.errors !== undefined && result.errors.length > 0) {
          return Either.left(fromErrors(result.errors, operation))
        }
        return Either.mapLeft(decode(result.data), (error) => decodeFailure(error, operation, "event data"))
      }
    }

    const subscribe = <A, I>(
      document: string,
      variables: Variables | undefined,
      schema: Schema.Schema<A, I, never>
    ): Stream.Stream<A, KontistError> =>
      Stream.asyncPush<A, KontistError>((emit) =>
        Effect.gen(function*() {
          const runtime = yield* Effect.runtime<never>()
          const operation = operationNameOf(document)
          const decode = decodeEvent(schema, operation)

          // `done` is set once the stream has ended or failed, or the consumer
          // closes it. Later socket events must not emit anything.
          let done = false
          let acknowledged = false
          let tokenFailure: KontistError | undefined

          const fail = (error: KontistError) => {
            if (done) return
            done = true
            emit.fail(error)
          }
          // A failed token lookup also closes the socket, so it explains the close.
          const failWithReported = (reported: unknown) =>
            fail(tokenFailure ?? toKontistError(reported, acknowledged, operation))

          const client = createClient({
            url,
            webSocketImpl: WebSocketImpl,
            lazy: true,
            retryAttempts: 0,
            // Read on every connect, so the token is the current one.
            connectionParams: async () => {
              const token = toEither(await Runtime.runPromiseExit(runtime)(auth.accessToken))
              if (Either.isLeft(token)) {
                tokenFailure = token.left
                throw new Error("no access token for the subscription")
              }
              return { Authorization: `Bearer ${Redacted.value(token.right)}` }
            },
            on: {
              connected: () => {
                acknowledged = true
              },
              closed: (event) => {
                if (done) return
                failWithReported(event)
                // graphql-ws 6.4 reconnects after a normal close (code 1000) while a
                // subscription is active, even with `retryAttempts: 0`. Disposing
                // the client stops that.
                void disposeQuietly(client)
              }
            }
          })

          const payload = { query: document, ...(variables === undefined ? {} : { variables }) }
          const unsubscribe = client.subscribe(payload, {
            next: (result) => {
              if (done) return
              Either.match(decode(result), { onLeft: fail, onRight: (value) => emit.single(value) })
            },
            error: failWithReported,
            complete: () => {
              if (done) return
              done = true
              emit.end()
            }
          })

          yield* Effect.addFinalizer(() =>
            Effect.promise(async () => {
              done = true
              unsubscribe()
              await disposeQuietly(client)
            })
          )
        })
      )

    const newTransactions = subscribe(newTransactionsDocument, undefined, NewTransactionResponse).pipe(
      Stream.map((data) => data.newTransaction),
      Stream.withSpan("Kontist.Subscriptions.newTransactions")
    )

    return Subscriptions.of({ subscribe, newTransactions })
  }
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Subscriptions, never, Auth | KontistConfig | Socket.WebSocketConstructor> = Layer
  .effect(Subscriptions, make)
