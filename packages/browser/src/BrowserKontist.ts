/**
 * The browser platform for `@kontist/core`: one layer with the HTTP client,
 * the token store and the WebSocket constructor that `Kontist.layer` needs,
 * and `layerKontist`, which adds every core service and silent renewal.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Socket from "@effect/platform/Socket"
import * as BrowserKeyValueStore from "@effect/platform-browser/BrowserKeyValueStore"
import type { TokenRenewal } from "@kontist/core/Auth"
import * as Kontist from "@kontist/core/Kontist"
import * as KontistConfig from "@kontist/core/KontistConfig"
import * as TokenStore from "@kontist/core/TokenStore"
import { Effect, Layer } from "effect"
import * as SilentRenewal from "./SilentRenewal.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Web storage that keeps the token. `"session"` (the default) keeps it for
   * the lifetime of the tab; `"local"` keeps it across tabs and browser
   * restarts. Either way the token is readable by every script on the origin.
   */
  readonly storage?: "session" | "local" | undefined
  /** The storage key of the token. Defaults to `kontist-token`. */
  readonly key?: string | undefined
}

/**
 * `HttpClient` on `fetch`, without trace propagation. Effect's client adds
 * `b3` and `traceparent` headers by default, and a cross-origin request with
 * a header the API does not allow fails its CORS preflight.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, HttpClient.withTracerPropagation(false))
).pipe(Layer.provide(FetchHttpClient.layer))

/**
 * A `TokenStore` on `sessionStorage` or `localStorage`. Web storage keeps the
 * access token in plain text, readable by every script on the page's origin.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerTokenStore = (options: Options = {}): Layer.Layer<TokenStore.TokenStore> =>
  TokenStore.layerKeyValueStore({ key: options.key }).pipe(
    Layer.provide(
      options.storage === "local"
        ? BrowserKeyValueStore.layerLocalStorage
        : BrowserKeyValueStore.layerSessionStorage
    )
  )

/**
 * The browser's native `WebSocket` for GraphQL subscriptions.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebSocketConstructor: Layer.Layer<Socket.WebSocketConstructor> =
  Socket.layerWebSocketConstructorGlobal

/**
 * Provides `HttpClient` (fetch, no trace headers), a `TokenStore` in web
 * storage and the native `WebSocket`. Add `KontistConfig`, `Kontist.layer`
 * and, for logins without a refresh token, `SilentRenewal.layer`, or use
 * `layerKontist`, which does all of that.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<HttpClient.HttpClient | TokenStore.TokenStore | Socket.WebSocketConstructor> =>
  Layer.mergeAll(layerHttpClient, layerTokenStore(options), layerWebSocketConstructor)

/**
 * @since 0.1.0
 * @category models
 */
export interface KontistOptions extends Options {
  readonly config: KontistConfig.Options
  /** Options of the hidden-iframe renewal. */
  readonly silentRenewal?: SilentRenewal.Options | undefined
  /** Options of the core services (`Kontist.layerWith`). */
  readonly services?: Kontist.Options | undefined
}

/**
 * Provides every core service on the browser platform: `Kontist.layerWith`
 * over `layer`, the configuration, and silent renewal as `TokenRenewal`, so
 * that an app needs one `Effect.provide`.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * ```ts
 * import { BrowserKontist, RedirectLogin } from "@kontist/browser"
 * import { Transactions } from "@kontist/core"
 * import { Effect } from "effect"
 *
 * const MainLayer = BrowserKontist.layerKontist({
 *   config: { clientId: "my-client", redirectUri: `${location.origin}/callback`, scopes: ["transactions"] }
 * })
 *
 * const program = Effect.gen(function*() {
 *   if (RedirectLogin.isLoginCallback(location.href)) yield* RedirectLogin.completeLogin(location.href)
 *   const transactions = yield* Transactions.Transactions
 *   return yield* transactions.page({ first: 20 })
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(MainLayer)))
 * ```
 */
export const layerKontist = (
  options: KontistOptions
): Layer.Layer<
  | Kontist.Services
  | TokenRenewal
  | KontistConfig.KontistConfig
  | HttpClient.HttpClient
  | TokenStore.TokenStore
  | Socket.WebSocketConstructor
> =>
  SilentRenewal.layer(options.silentRenewal).pipe(
    Layer.provideMerge(Kontist.layerWith(options.services)),
    Layer.provideMerge(layer(options)),
    Layer.provideMerge(KontistConfig.layer(options.config))
  )
