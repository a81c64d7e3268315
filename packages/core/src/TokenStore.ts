/**
 * Storage for the current token: in memory, or in any platform
 * `KeyValueStore` (a file in Node, web storage in browsers).
 *
 * @since 0.1.0
 */
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import type { PlatformError } from "@effect/platform/Error"
import { Context, Effect, Layer, Option, ParseResult, Ref } from "effect"
import { formatParseError } from "./internal/parse.js"
import { TokenStoreError } from "./KontistError.js"
import { Token } from "./Token.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Reads the stored token; `None` when there is none. */
  readonly get: Effect.Effect<Option.Option<Token>, TokenStoreError>
  /** Replaces the stored token. */
  readonly set: (token: Token) => Effect.Effect<void, TokenStoreError>
  /** Removes the stored token. */
  readonly clear: Effect.Effect<void, TokenStoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenStore extends Context.Tag("@kontist/core/TokenStore")<TokenStore, Service>() {}

/**
 * Creates an in-memory store, optionally holding `initial` already. Tests
 * use it to start from a known token without a login.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (initial?: Token): Effect.Effect<Service> =>
  Effect.map(Ref.make(Option.fromNullable(initial)), (ref) =>
    TokenStore.of({
      get: Ref.get(ref),
      set: (token) => Ref.set(ref, Option.some(token)),
      clear: Ref.set(ref, Option.none())
    }))

/**
 * A store that lives as long as the layer; nothing survives a restart.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<TokenStore> = Layer.effect(TokenStore, make())

/**
 * @since 0.1.0
 * @category models
 */
export interface KeyValueStoreOptions {
  /** The key the token is stored under. Defaults to `kontist-token`. */
  readonly key?: string | undefined
}

/**
 * The key `layerKeyValueStore` uses when no `key` option is given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultKey = "kontist-token"

// The formatter's messages quote the stored values, which include the
// tokens, so only the paths of the invalid fields are reported.
const describeFailure = (error: PlatformError | ParseResult.ParseError): string =>
  ParseResult.isParseError(error)
    ? `the stored value is not a valid token (${formatParseError(error, false)})`
    : error.message

/**
 * Creates a store on top of the `KeyValueStore` in the context. The token is
 * saved as JSON through the `Token` schema.
 *
 * The access and refresh tokens are saved in plain text: `KeyValueStore`
 * encodes `Redacted` values back to their strings. Protect the storage
 * itself; the Node file layer creates the file with mode 0600.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeKeyValueStore = (
  options?: KeyValueStoreOptions
): Effect.Effect<Service, never, KeyValueStore.KeyValueStore> =>
  Effect.gen(function*() {
    const key = options?.key ?? defaultKey
    const store = (yield* KeyValueStore.KeyValueStore).forSchema(Token)

    const fail = (operation: TokenStoreError["operation"]) => (error: PlatformError | ParseResult.ParseError) =>
      new TokenStoreError({ operation, description: `key ${key}: ${describeFailure(error)}` })

    return TokenStore.of({
      get: Effect.mapError(store.get(key), fail("get")),
      set: (token) => Effect.mapError(store.set(key, token), fail("set")),
      clear: Effect.mapError(store.remove(key), fail("clear"))
    })
  })

/**
 * A store on top of any platform `KeyValueStore`. The tokens are saved in
 * plain text (see `makeKeyValueStore`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerKeyValueStore = (
  options?: KeyValueStoreOptions
): Layer.Layer<TokenStore, never, KeyValueStore.KeyValueStore> => Layer.effect(TokenStore, makeKeyValueStore(options))
