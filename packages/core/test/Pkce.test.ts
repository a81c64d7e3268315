import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Pkce from "../src/Pkce.js"

const unreserved = /^[A-Za-z0-9\-._~]+$/

describe("Pkce", () => {
  it.effect("RFC 7636 appendix B vector", () =>
    Effect.gen(function*() {
      const challenge = yield* Pkce.deriveChallenge(Redacted.make("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
      expect(challenge).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }))

  it.effect("verifier has the default length", () =>
    Effect.gen(function*() {
      const verifier = Redacted.value(yield* Pkce.generateVerifier())
      expect(verifier).toHaveLength(Pkce.defaultVerifierLength)
      expect(verifier).toMatch(unreserved)
    }))

  it.effect("verifier lengths 43 and 128", () =>
    Effect.gen(function*() {
      for (const length of [43, 128]) {
        const verifier = Redacted.value(yield* Pkce.generateVerifier(length))
        expect(verifier).toHaveLength(length)
        expect(verifier).toMatch(unreserved)
      }
    }))

  it.effect("verifier uses the whole alphabet", () =>
    Effect.gen(function*() {
      const seen = new Set<string>()
      for (let i = 0; i < 200; i++) {
        for (const character of Redacted.value(yield* Pkce.generateVerifier(128))) seen.add(character)
      }
      // 25,600 draws from 66 characters: missing one has probability below 1e-160.
      expect(seen.size).toBe(Pkce.verifierAlphabet.length)
    }))

  it.effect("verifiers differ", () =>
    Effect.gen(function*() {
      const first = Redacted.value(yield* Pkce.generateVerifier())
      const second = Redacted.value(yield* Pkce.generateVerifier())
      expect(first).not.toBe(second)
    }))

  it.effect("verifier length out of range fails", () =>
    Effect.gen(function*() {
      for (const length of [42, 129, 50.5]) {
        const error = yield* Effect.flip(Pkce.generateVerifier(length))
        expect(error._tag).toBe("InvalidInput")
        expect(error.field).toBe("length")
      }
    }))

  it.effect("verifier prints redacted", () =>
    Effect.gen(function*() {
      const verifier = yield* Pkce.generateVerifier()
      expect(String(verifier)).not.toContain(Redacted.value(verifier))
    }))

  it.effect("state is 43 base64url characters", () =>
    Effect.gen(function*() {
      const state = yield* Pkce.generateState
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(yield* Pkce.generateState).not.toBe(state)
    }))
})
