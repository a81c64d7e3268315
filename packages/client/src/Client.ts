/**
 * The classic Kontist client surface as promises, running the
 * `@kontist/core` services on a `ManagedRuntime`. The entry points
 * (`@kontist/client/node`, `@kontist/client/browser`) export `Client`, which
 * adds their platform layer.
 *
 * @since 0.1.0
 */
import { KontistConfig } from "@kontist/core/KontistConfig"
import { Layer } from "effect"
import { AuthClient } from "./internal/auth.js"
import { GraphQLClient } from "./internal/graphql.js"
import type { ClientServices } from "./internal/layer.js"
import { type ClientOptions, validate } from "./internal/options.js"
import { Runner } from "./internal/runner.js"
import { TransactionModel } from "./internal/transactions.js"
import { TransferModel } from "./internal/transfers.js"

export { AuthClient } from "./internal/auth.js"
export { GraphQLClient } from "./internal/graphql.js"
export type { ClientServices, PlatformServices } from "./internal/layer.js"
export type { ClientOptions } from "./internal/options.js"
export { TransactionModel } from "./internal/transactions.js"
export type { FetchOptions, PageInfo, ResultPage, Subscription, TransactionData } from "./internal/transactions.js"
export { TransferModel } from "./internal/transfers.js"
export type { BatchTransferData, SepaTransferInput, TransferData, TransferInput } from "./internal/transfers.js"

/**
 * The models of a client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Models {
  readonly transaction: TransactionModel
  readonly transfer: TransferModel
}

/**
 * The client without a platform. Use `Client` from `@kontist/client/node` or
 * `@kontist/client/browser`, or pass your own layer of services.
 *
 * The constructor throws `InvalidInput` when the options conflict: both
 * `verifier` and `clientSecret`, or a `verifier` without `state` and
 * `redirectUri`.
 *
 * @since 0.1.0
 * @category constructors
 */
export class BaseClient {
  readonly auth: AuthClient
  readonly graphQL: GraphQLClient
  readonly models: Models
  readonly #runner: Runner<ClientServices, unknown>

  /**
   * `services` builds every service except `KontistConfig`, which the client
   * provides from `options`.
   */
  constructor(options: ClientOptions, services: Layer.Layer<Exclude<ClientServices, KontistConfig>, unknown, KontistConfig>) {
    const validated = validate(options)
    const config = Layer.succeed(KontistConfig, validated.config)
    this.#runner = new Runner(Layer.provideMerge(services, config))

    this.auth = new AuthClient(this.#runner, validated)
    this.graphQL = new GraphQLClient(this.#runner)
    this.models = {
      transaction: new TransactionModel(this.#runner),
      transfer: new TransferModel(this.#runner)
    }
  }

  /**
   * Stops every pending call and subscription (their promises reject with
   * `ClientDisposed`) and releases the connections. Later calls reject with
   * `ClientDisposed` too.
   */
  dispose(): Promise<void> {
    return this.#runner.dispose()
  }
}
