/**
 * A token stored against one sandbox and read with the configuration of
 * another, as when the Node token file outlives a change of
 * `KONTIST_BASE_URL`. Both sandboxes listen on 127.0.0.1.
 */
import { FetchHttpClient, KeyValueStore } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { demo, type RunningSandbox, start } from "@kontist/sandbox"
import { type Context, Effect, Layer, Option, Redacted, Schema } from "effect"
import * as Auth from "../src/Auth.js"
import * as GraphQL from "../src/GraphQL.js"
import * as KontistConfig from "../src/KontistConfig.js"
import * as Mfa from "../src/Mfa.js"
import { Token } from "../src/Token.js"
import * as TokenStore from "../src/TokenStore.js"
import { assertTag } from "./utils/RecordingClient.js"

const viewerQuery = "query Viewer { viewer { email } }"
const Viewer = Schema.Struct({ viewer: Schema.Struct({ email: Schema.String }) })

const startSandbox = Effect.acquireRelease(
  Effect.promise(() => start({ port: 0, transactions: 20, mfa: { delayMs: 10 } })),
  (sandbox) => Effect.promise(() => sandbox.close())
)

/**
 * Auth, GraphQL and Mfa configured for `sandbox`, with the token in `storage`.
 * Each call builds new services over the same storage, like a new run of a
 * program that keeps its token in a file.
 */
const servicesFor = (sandbox: RunningSandbox, storage: Context.Context<KeyValueStore.KeyValueStore>) => {
  const config = KontistConfig.layer({ baseUrl: sandbox.url, clientId: demo.clientId, clientSecret: demo.clientSecret })
  const platform = Layer.mergeAll(
    FetchHttpClient.layer,
    config,
    TokenStore.layerKeyValueStore().pipe(Layer.provide(Layer.succeedContext(storage)))
  )
  const auth = Auth.layer.pipe(Layer.provideMerge(platform))
  return Layer.mergeAll(GraphQL.layer(), Mfa.layer({ pollInterval: "20 millis" })).pipe(Layer.provideMerge(auth))
}

const loginConfirmed = Effect.gen(function*() {
  const auth = yield* Auth.Auth
  yield* auth.loginWithPassword({ username: demo.username, password: Redacted.make(demo.password) })
  return yield* (yield* Mfa.Mfa).confirmedToken()
})

const viewerEmail = Effect.flatMap(GraphQL.GraphQL, (graphql) => graphql.execute(viewerQuery, undefined, Viewer)).pipe(
  Effect.map((data) => data.viewer.email)
)

describe("a stored token and two sandboxes", () => {
  it.scopedLive("token of sandbox A never reaches sandbox B", () =>
    Effect.gen(function*() {
      const sandboxA = yield* startSandbox
      const sandboxB = yield* startSandbox
      const storage = yield* Layer.build(KeyValueStore.layerMemory)

      const confirmed = yield* loginConfirmed.pipe(Effect.provide(servicesFor(sandboxA, storage)))
      expect(confirmed.confirmed).toBe(true)
      expect(confirmed.issuer).toEqual({ baseUrl: sandboxA.url, clientId: demo.clientId })

      // A new run against A reuses the stored token without a login.
      sandboxA.clearRequests()
      expect(yield* viewerEmail.pipe(Effect.provide(servicesFor(sandboxA, storage)))).toBe(demo.username)
      expect(sandboxA.requests().map((entry) => entry.path)).toEqual(["/api/graphql"])

      // A fresh token of A is not sent to B's GraphQL endpoint.
      const fresh = yield* Effect.gen(function*() {
        const stored = yield* (yield* Auth.Auth).token
        const error = yield* Effect.flip(viewerEmail)
        return { stored, error }
      }).pipe(Effect.provide(servicesFor(sandboxB, storage)))
      expect(Option.isNone(fresh.stored)).toBe(true)
      assertTag(fresh.error, "Unauthorized")
      expect(fresh.error.reason).toBe("NoToken")
      expect(fresh.error.message).toContain(sandboxA.url)
      expect(sandboxB.requests()).toEqual([])

      // An expired token of A is not refreshed at B's token endpoint.
      yield* Effect.gen(function*() {
        const store = yield* TokenStore.TokenStore
        const stored = Option.getOrThrow(yield* store.get)
        yield* store.set(new Token({ ...stored, expiresAt: Date.now() - 1000 }))
      }).pipe(Effect.provide(TokenStore.layerKeyValueStore().pipe(Layer.provide(Layer.succeedContext(storage)))))
      const expired = yield* Effect.gen(function*() {
        const auth = yield* Auth.Auth
        return [yield* Effect.flip(viewerEmail), yield* Effect.flip(auth.refresh)]
      }).pipe(Effect.provide(servicesFor(sandboxB, storage)))
      for (const error of expired) {
        assertTag(error, "Unauthorized")
        expect(error.reason).toBe("NoToken")
      }
      expect(sandboxB.requests()).toEqual([])

      // A login at B replaces the token, and A then ignores B's token in turn.
      const emailAtB = yield* Effect.zipRight(loginConfirmed, viewerEmail).pipe(
        Effect.provide(servicesFor(sandboxB, storage))
      )
      expect(emailAtB).toBe(demo.username)
      sandboxA.clearRequests()
      const atA = yield* Effect.flip(viewerEmail).pipe(Effect.provide(servicesFor(sandboxA, storage)))
      assertTag(atA, "Unauthorized")
      expect(atA.message).toContain(sandboxB.url)
      expect(sandboxA.requests()).toEqual([])
    }), 30_000)
})
