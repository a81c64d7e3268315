/**
 * One layer with every core service. A platform package (`@kontist/node`,
 * `@kontist/browser`) or a test provides what it requires.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Socket from "@effect/platform/Socket"
import { Layer } from "effect"
import * as Accounts from "./Accounts.js"
import * as Auth from "./Auth.js"
import * as GraphQL from "./GraphQL.js"
import type { KontistConfig } from "./KontistConfig.js"
import * as Mfa from "./Mfa.js"
import * as Subscriptions from "./Subscriptions.js"
import type { TokenStore } from "./TokenStore.js"
import * as Transactions from "./Transactions.js"
import * as Transfers from "./Transfers.js"

/**
 * Every service `layer` provides.
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | Auth.Auth
  | GraphQL.GraphQL
  | Mfa.Mfa
  | Transactions.Transactions
  | Transfers.Transfers
  | Accounts.Accounts
  | Subscriptions.Subscriptions

/**
 * Services `layer` requires: the platform's HTTP client and WebSocket
 * constructor, the configuration and a token store.
 *
 * @since 0.1.0
 * @category models
 */
export type Requirements =
  | HttpClient.HttpClient
  | KontistConfig
  | TokenStore
  | Socket.WebSocketConstructor

/**
 * Options of `layerWith`, passed on to the services that take them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly graphql?: GraphQL.Options | undefined
  readonly mfa?: Mfa.Options | undefined
}

/**
 * Builds every core service with `options`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options?: Options): Layer.Layer<Services, never, Requirements> => {
  const graphql = GraphQL.layer(options?.graphql)
  const models = Layer.mergeAll(Transactions.layer, Transfers.layer, Accounts.layer).pipe(
    Layer.provideMerge(graphql)
  )
  return Layer.mergeAll(models, Mfa.layer(options?.mfa), Subscriptions.layer).pipe(
    Layer.provideMerge(Auth.layer)
  )
}

/**
 * Every core service (Auth, GraphQL, Mfa, Transactions, Transfers, Accounts,
 * Subscriptions) with default options.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import * as Socket from "@effect/platform/Socket"
 * import { Auth, Kontist, KontistConfig, TokenStore, Transactions } from "@kontist/core"
 * import { Effect, Layer, Redacted, Stream } from "effect"
 *
 * const MainLayer = Kontist.layer.pipe(
 *   Layer.provide(KontistConfig.layer({ clientId: "my-client", clientSecret: "my-secret" })),
 *   Layer.provide(TokenStore.layerMemory),
 *   Layer.provide(FetchHttpClient.layer),
 *   Layer.provide(Socket.layerWebSocketConstructorGlobal)
 * )
 *
 * // Counts the incoming transactions.
 * const program = Effect.gen(function*() {
 *   const auth = yield* Auth.Auth
 *   yield* auth.loginWithPassword({ username: "user@example.com", password: Redacted.make("password") })
 *   const transactions = yield* Transactions.Transactions
 *   return yield* Stream.runCount(transactions.stream({ minAmount: 1 }))
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(MainLayer)))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Services, never, Requirements> = layerWith()
