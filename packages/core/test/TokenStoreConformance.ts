/**
 * The behaviour every `TokenStore` layer must show. Each package that adds
 * a layer runs this suite against it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, type Layer, Option, Redacted } from "effect"
import { Token } from "../src/Token.js"
import { TokenStore } from "../src/TokenStore.js"

const withRefresh = new Token({
  accessToken: Redacted.make("conformance-access-1"),
  refreshToken: Option.some(Redacted.make("conformance-refresh-1")),
  expiresAt: 1_700_000_000_000,
  issuedAt: 1_699_999_700_000,
  scope: ["accounts", "offline"],
  confirmed: false,
  issuer: { baseUrl: "https://api.example.test", clientId: "conformance-client" }
})

const withoutRefresh = new Token({
  accessToken: Redacted.make("conformance-access-2"),
  refreshToken: Option.none(),
  expiresAt: 1_700_000_360_000,
  scope: [],
  confirmed: true
})

/**
 * Runs the conformance tests against `layer`. Each test gets a fresh
 * instance of the layer.
 */
export const tokenStoreConformance = (name: string, layer: Layer.Layer<TokenStore, unknown>) =>
  describe(`TokenStore conformance: ${name}`, () => {
    const run = <A, E>(effect: Effect.Effect<A, E, TokenStore>) => Effect.provide(effect, layer)

    it.effect("get on an empty store is None", () =>
      run(Effect.gen(function*() {
        const store = yield* TokenStore
        expect(Option.isNone(yield* store.get)).toBe(true)
      })))

    it.effect("set then get round-trips every field", () =>
      run(Effect.gen(function*() {
        const store = yield* TokenStore
        yield* store.set(withRefresh)
        const stored = Option.getOrThrow(yield* store.get)

        expect(Redacted.isRedacted(stored.accessToken)).toBe(true)
        expect(Redacted.value(stored.accessToken)).toBe("conformance-access-1")
        expect(Option.isSome(stored.refreshToken)).toBe(true)
        const refreshToken = Option.getOrThrow(stored.refreshToken)
        expect(Redacted.isRedacted(refreshToken)).toBe(true)
        expect(Redacted.value(refreshToken)).toBe("conformance-refresh-1")
        expect(stored.expiresAt).toBe(withRefresh.expiresAt)
        expect(stored.issuedAt).toBe(withRefresh.issuedAt)
        expect(stored.scope).toEqual(["accounts", "offline"])
        expect(stored.confirmed).toBe(false)
        expect(stored.issuer).toEqual({ baseUrl: "https://api.example.test", clientId: "conformance-client" })
      })))

    it.effect("stored secrets print redacted", () =>
      run(Effect.gen(function*() {
        const store = yield* TokenStore
        yield* store.set(withRefresh)
        const stored = Option.getOrThrow(yield* store.get)

        expect(String(stored.accessToken)).not.toContain("conformance-access-1")
        expect(JSON.stringify(stored)).not.toContain("conformance-access-1")
        expect(JSON.stringify(stored)).not.toContain("conformance-refresh-1")
      })))

    it.effect("set overwrites the previous token", () =>
      run(Effect.gen(function*() {
        const store = yield* TokenStore
        yield* store.set(withRefresh)
        yield* store.set(withoutRefresh)
        const stored = Option.getOrThrow(yield* store.get)

        expect(Redacted.value(stored.accessToken)).toBe("conformance-access-2")
        expect(stored.expiresAt).toBe(withoutRefresh.expiresAt)
        expect(stored.confirmed).toBe(true)
      })))

    it.effect("absent refresh token stays None", () =>
      run(Effect.gen(function*() {
        const store = yield* TokenStore
        yield* store.set(withoutRefresh)
        const stored = Option.getOrThrow(yield* store.get)

        expect(Option.isNone(stored.refreshToken)).toBe(true)
        expect(stored.issuedAt).toBeUndefined()
        expect(stored.scope).toEqual([])
        expect(stored.issuer).toBeUndefined()
      })))

    it.effect("clear removes the token", () =>
      run(Effect.gen(function*() {
        const store = yield* TokenStore
        yield* store.set(withRefresh)
        yield* store.clear
        expect(Option.isNone(yield* store.get)).toBe(true)
      })))

    it.effect("clear on an empty store succeeds", () =>
      run(Effect.gen(function*() {
        const store = yield* TokenStore
        yield* store.clear
        expect(Option.isNone(yield* store.get)).toBe(true)
      })))
  })
