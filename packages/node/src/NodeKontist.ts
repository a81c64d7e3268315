/**
 * The Node.js platform for `@kontist/core`: one layer with the HTTP client,
 * the token store and the WebSocket constructor that `Kontist.layer` needs.
 *
 * @since 0.1.0
 */
import type * as PlatformError from "@effect/platform/Error"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Socket from "@effect/platform/Socket"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as TokenStore from "@kontist/core/TokenStore"
import { Layer } from "effect"
import * as WS from "ws"
import * as NodeTokenStore from "./NodeTokenStore.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Directory of the token file. Defaults to `NodeTokenStore.defaultDirectory()`, usually `~/.config/kontist`. */
  readonly directory?: string | undefined
  /** Key of the token, which is also the file name. Defaults to `kontist-token`. */
  readonly key?: string | undefined
}

/**
 * `ws` as the WebSocket implementation on every Node version. Node 22 has a
 * global `WebSocket`, Node 20 has none, and `NodeSocket.layerWebSocketConstructor`
 * would pick whichever exists, so subscriptions would behave differently by version.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebSocketConstructor: Layer.Layer<Socket.WebSocketConstructor> = Layer.succeed(
  Socket.WebSocketConstructor,
  (url, protocols) => new WS.WebSocket(url, protocols) as unknown as globalThis.WebSocket
)

/**
 * `HttpClient` on `node:http` with a keep-alive agent. It needs no dependency
 * beyond Node itself, and the agent reuses connections across the many small
 * GraphQL requests of a transaction stream. `NodeHttpClient.layer` would not,
 * because its agent has Node's default `keepAlive: false` on Node 20. The
 * agents are destroyed when the layer's scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerWithoutAgent.pipe(
  Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true }))
)

/**
 * Provides `HttpClient`, a `TokenStore` that keeps the token in a file with
 * mode 0600, and `ws` as `Socket.WebSocketConstructor`. Add `KontistConfig`
 * and `Kontist.layer` to get every service.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * ```ts
 * import { Kontist, KontistConfig } from "@kontist/core"
 * import { NodeKontist } from "@kontist/node"
 * import { Layer } from "effect"
 *
 * // KONTIST_CLIENT_ID and the other KONTIST_* variables configure the client.
 * const MainLayer = Kontist.layer.pipe(
 *   Layer.provideMerge(NodeKontist.layer()),
 *   Layer.provideMerge(KontistConfig.layerConfig)
 * )
 * ```
 */
export const layer = (
  options: Options = {}
): Layer.Layer<HttpClient.HttpClient | TokenStore.TokenStore | Socket.WebSocketConstructor, PlatformError.PlatformError> =>
  Layer.mergeAll(
    layerHttpClient,
    NodeTokenStore.layer(options),
    layerWebSocketConstructor
  )

/**
 * Like `layer`, with a `TokenStore` in memory: the token is lost when the
 * program ends. Meant for scripts that log in on every run, and for tests.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<HttpClient.HttpClient | TokenStore.TokenStore | Socket.WebSocketConstructor> = Layer
  .mergeAll(
    layerHttpClient,
    TokenStore.layerMemory,
    layerWebSocketConstructor
  )
