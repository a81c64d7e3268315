/**
 * Every core service wired to a sandbox started on a free loopback port,
 * with `fetch` for HTTP and `ws` for WebSockets.
 */
import { FetchHttpClient } from "@effect/platform"
import * as Socket from "@effect/platform/Socket"
import { demo, Sandbox, type SandboxOptions } from "@kontist/sandbox"
import { Effect, Layer } from "effect"
import WebSocket from "ws"
import { Auth } from "../../src/Auth.js"
import * as Kontist from "../../src/Kontist.js"
import * as KontistConfig from "../../src/KontistConfig.js"
import { Mfa } from "../../src/Mfa.js"
import * as TokenStore from "../../src/TokenStore.js"

/** The sockets a `recordingWebSocketConstructor` opened, oldest first. */
export type OpenedSockets = Array<WebSocket>

/** A `Socket.WebSocketConstructor` backed by `ws` that remembers each socket it creates. */
export const recordingWebSocketConstructor = (opened: OpenedSockets): Layer.Layer<Socket.WebSocketConstructor> =>
  Layer.succeed(Socket.WebSocketConstructor, (url, protocols) => {
    const socket = new WebSocket(url, protocols)
    opened.push(socket)
    return socket as unknown as globalThis.WebSocket
  })

/**
 * Starts a sandbox in the layer's scope and builds `Kontist.layer` against
 * it. The simulated phone approves MFA challenges after 10 ms.
 */
export const layer = (options?: SandboxOptions & { readonly sockets?: OpenedSockets }) => {
  const sandbox = Sandbox.layer({ port: 0, ...options, mfa: { delayMs: 10, ...options?.mfa } })
  const config = Layer.unwrapEffect(
    Effect.map(Sandbox, (running) =>
      KontistConfig.layer({ baseUrl: running.url, clientId: demo.clientId, clientSecret: demo.clientSecret }))
  )
  return Kontist.layerWith({ mfa: { pollInterval: "20 millis" } }).pipe(
    Layer.provideMerge(config),
    Layer.provide(TokenStore.layerMemory),
    Layer.provide(FetchHttpClient.layer),
    Layer.provide(recordingWebSocketConstructor(options?.sockets ?? [])),
    Layer.provideMerge(sandbox)
  )
}

/** Logs in with the password grant; the token is not MFA-confirmed. */
export const login = Effect.gen(function*() {
  const auth = yield* Auth
  return yield* auth.loginWithPassword({ username: demo.username, password: demo.password })
})

/** Logs in and passes MFA, so transfers are allowed. */
export const loginConfirmed = Effect.gen(function*() {
  yield* login
  const mfa = yield* Mfa
  return yield* mfa.confirmedToken()
})

/** The GraphQL queries and mutations the sandbox received, without OAuth, MFA and WebSocket requests. */
export const graphqlRequests = Effect.map(
  Sandbox,
  (sandbox) => sandbox.requests().filter((request) => request.method === "POST" && request.path === "/api/graphql")
)
