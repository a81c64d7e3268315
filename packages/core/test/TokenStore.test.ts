import { KeyValueStore } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import * as TokenStore from "../src/TokenStore.js"
import { tokenStoreConformance } from "./TokenStoreConformance.js"
import { makeToken } from "./utils/RecordingClient.js"

tokenStoreConformance("layerMemory", TokenStore.layerMemory)

tokenStoreConformance(
  "layerKeyValueStore over KeyValueStore.layerMemory",
  TokenStore.layerKeyValueStore().pipe(Layer.provide(KeyValueStore.layerMemory))
)

describe("TokenStore.layerKeyValueStore", () => {
  it.effect("stores JSON under the default key", () =>
    Effect.gen(function*() {
      const kv = yield* KeyValueStore.KeyValueStore
      const store = yield* TokenStore.makeKeyValueStore()
      yield* store.set(makeToken({ accessToken: "kv-access", refreshToken: "kv-refresh", issuer: null }))

      const raw = Option.getOrThrow(yield* kv.get(TokenStore.defaultKey))
      expect(JSON.parse(raw)).toEqual({
        accessToken: "kv-access",
        refreshToken: "kv-refresh",
        expiresAt: 3_600_000,
        scope: ["transactions", "offline"],
        confirmed: false
      })
    }).pipe(Effect.provide(KeyValueStore.layerMemory)))

  it.effect("stores the issuer as JSON", () =>
    Effect.gen(function*() {
      const kv = yield* KeyValueStore.KeyValueStore
      const store = yield* TokenStore.makeKeyValueStore()
      yield* store.set(makeToken({ issuer: { baseUrl: "https://api.example.test", clientId: "client-a" } }))

      const raw = JSON.parse(Option.getOrThrow(yield* kv.get(TokenStore.defaultKey)))
      expect(raw.issuer).toEqual({ baseUrl: "https://api.example.test", clientId: "client-a" })
    }).pipe(Effect.provide(KeyValueStore.layerMemory)))

  it.effect("uses the key option", () =>
    Effect.gen(function*() {
      const kv = yield* KeyValueStore.KeyValueStore
      const store = yield* TokenStore.makeKeyValueStore({ key: "custom" })
      yield* store.set(makeToken({}))

      expect(yield* kv.has("custom")).toBe(true)
      expect(yield* kv.has(TokenStore.defaultKey)).toBe(false)
    }).pipe(Effect.provide(KeyValueStore.layerMemory)))

  it.effect("reads a token stored without issuedAt", () =>
    Effect.gen(function*() {
      const kv = yield* KeyValueStore.KeyValueStore
      yield* kv.set(
        TokenStore.defaultKey,
        JSON.stringify({ accessToken: "old-access", expiresAt: 3_600_000, scope: ["transactions"], confirmed: true })
      )
      const store = yield* TokenStore.makeKeyValueStore()

      const stored = Option.getOrThrow(yield* store.get)
      expect(Redacted.value(stored.accessToken)).toBe("old-access")
      expect(stored.expiresAt).toBe(3_600_000)
      expect(stored.issuedAt).toBeUndefined()
      expect(stored.confirmed).toBe(true)
      expect(stored.issuer).toBeUndefined()
    }).pipe(Effect.provide(KeyValueStore.layerMemory)))

  it.effect("invalid stored value fails without quoting it", () =>
    Effect.gen(function*() {
      const kv = yield* KeyValueStore.KeyValueStore
      yield* kv.set(TokenStore.defaultKey, JSON.stringify({ accessToken: "leaked-secret", expiresAt: "soon" }))
      const store = yield* TokenStore.makeKeyValueStore()

      const error = yield* Effect.flip(store.get)
      expect(error._tag).toBe("TokenStoreError")
      expect(error.operation).toBe("get")
      expect(error.message).toContain("not a valid token")
      expect(error.message).not.toContain("leaked-secret")
    }).pipe(Effect.provide(KeyValueStore.layerMemory)))
})

describe("TokenStore.make", () => {
  it.effect("starts with the initial token", () =>
    Effect.gen(function*() {
      const store = yield* TokenStore.make(makeToken({ accessToken: "seeded" }))
      const stored = Option.getOrThrow(yield* store.get)
      expect(Redacted.value(stored.accessToken)).toBe("seeded")
    }))
})
