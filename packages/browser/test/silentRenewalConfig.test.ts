import { describe, expect, it } from "@effect/vitest"
import * as Auth from "@kontist/core/Auth"
import * as KontistConfig from "@kontist/core/KontistConfig"
import { InvalidInput } from "@kontist/core/KontistError"
import { Effect, Layer, Option } from "effect"
import * as SilentRenewal from "../src/SilentRenewal.js"

// Runs in Node, without a DOM: the renewal must fail before it builds an
// authorization URL or touches the document.
describe("SilentRenewal.renew", () => {
  it.effect("fails without a redirect URI", () =>
    Effect.gen(function*() {
      let authorizationUrls = 0
      const auth = Layer.mock(Auth.Auth, {
        authorizationUrl: () =>
          Effect.sync(() => {
            authorizationUrls += 1
            return { url: "http://127.0.0.1:9/api/oauth/authorize", state: "state-1", verifier: Option.none() }
          })
      })
      const config = KontistConfig.layer({ clientId: "test-client", baseUrl: "http://127.0.0.1:9" })

      const error = yield* SilentRenewal.renew().pipe(Effect.provide(Layer.merge(auth, config)), Effect.flip)

      expect(error).toBeInstanceOf(InvalidInput)
      expect((error as InvalidInput).field).toBe("redirectUri")
      expect(authorizationUrls).toBe(0)
    }))
})
