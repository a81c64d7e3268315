import { describe, expect, layer } from "@effect/vitest"
import { assertTrue } from "@effect/vitest/utils"
import * as Auth from "@kontist/core/Auth"
import * as KontistConfig from "@kontist/core/KontistConfig"
import * as TokenStore from "@kontist/core/TokenStore"
import { demo, Sandbox } from "@kontist/sandbox"
import { Cause, Deferred, Effect, Exit, Fiber, Layer, Option, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as LoopbackLogin from "../src/LoopbackLogin.js"
import * as NodeKontist from "../src/NodeKontist.js"
import * as NodeTokenStore from "../src/NodeTokenStore.js"
import { type BrowserVisit, logInThroughForm } from "./support/browser.js"

const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "kontist-login-"))),
  (directory) => Effect.sync(() => Fs.rmSync(directory, { recursive: true, force: true }))
)

/**
 * Auth against the running sandbox, as a public (PKCE) client unless
 * `clientSecret` is given, with the token file in `directory`.
 */
const loginLayer = (directory: string, clientSecret?: string) =>
  Layer.unwrapEffect(Effect.map(Sandbox, (sandbox) =>
    Auth.layer.pipe(
      Layer.provideMerge(KontistConfig.layer({ baseUrl: sandbox.url, clientId: demo.clientId, clientSecret })),
      Layer.provideMerge(NodeKontist.layerHttpClient),
      Layer.provideMerge(NodeTokenStore.layer({ directory }))
    )))

/**
 * Runs `loginWithBrowser` and, once it shows the URL, plays the browser with
 * `password`. Returns the login's exit and what the browser saw.
 */
const loginAs = (password: string, options: LoopbackLogin.LoginOptions = {}) =>
  Effect.gen(function*() {
    const visit = yield* Deferred.make<BrowserVisit>()
    const login = yield* Effect.fork(LoopbackLogin.loginWithBrowser({
      ...options,
      onUrl: (url) =>
        Effect.forkDaemon(
          Effect.flatMap(logInThroughForm(url, { username: demo.username, password }), (seen) =>
            Deferred.succeed(visit, seen))
        )
    }))
    const exit = yield* Fiber.await(login)
    const seen = yield* Deferred.await(visit).pipe(Effect.timeout("5 seconds"), Effect.option)
    return { exit, seen }
  })

describe("loginWithBrowser against the sandbox", () => {
  layer(Sandbox.layer({ port: 0 }), { excludeTestServices: true })((it) => {
    it.scoped("stores the token from the loopback callback", () =>
      Effect.gen(function*() {
        const directory = yield* temporaryDirectory
        const { exit, seen } = yield* loginAs(demo.password).pipe(Effect.provide(loginLayer(directory)))

        assertTrue(Exit.isSuccess(exit))
        const visit = Option.getOrThrow(seen)
        expect(visit.submitStatus).toBe(302)
        expect(visit.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/)
        expect(visit.landing?.status).toBe(200)
        expect(visit.landing?.body).toContain("Logged in to Kontist")

        const stored = yield* Effect.flatMap(TokenStore.TokenStore, (store) => store.get).pipe(
          Effect.provide(NodeTokenStore.layer({ directory }))
        )
        expect(Option.map(stored, (value) => Redacted.value(value.accessToken))).toEqual(
          Option.some(Redacted.value(exit.value.accessToken))
        )
        expect(Option.map(stored, (value) => value.confirmed)).toEqual(Option.some(false))
        expect(Fs.statSync(Path.join(directory, TokenStore.defaultKey)).mode & 0o777).toBe(0o600)
      }))

    it.scoped("works for a client with a secret", () =>
      Effect.gen(function*() {
        const directory = yield* temporaryDirectory
        const { exit, seen } = yield* loginAs(demo.password).pipe(
          Effect.provide(loginLayer(directory, demo.clientSecret))
        )

        assertTrue(Exit.isSuccess(exit))
        expect(Option.getOrThrow(seen).landing?.status).toBe(200)
      }))

    it.scoped("times out after a rejected password", () =>
      Effect.gen(function*() {
        const directory = yield* temporaryDirectory
        const { exit, seen } = yield* loginAs("wrong-password", { timeout: "1 second" }).pipe(
          Effect.provide(loginLayer(directory))
        )

        const visit = Option.getOrThrow(seen)
        expect(visit.submitStatus).toBe(401)
        expect(visit.location).toBeUndefined()
        assertTrue(Exit.isFailure(exit))
        const error = Cause.failureOption(exit.cause)
        expect(Option.map(error, (failure) => failure._tag)).toEqual(Option.some("LoopbackLoginError"))
        expect(Option.map(error, (failure) => "reason" in failure ? failure.reason : undefined)).toEqual(
          Option.some("Timeout")
        )
        expect(Fs.existsSync(Path.join(directory, TokenStore.defaultKey))).toBe(false)
      }))
  })
})
