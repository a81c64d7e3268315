import { describe, expect, it } from "@effect/vitest"
import * as Auth from "@kontist/core/Auth"
import * as KontistConfig from "@kontist/core/KontistConfig"
import { OAuthError } from "@kontist/core/KontistError"
import { Token } from "@kontist/core/Token"
import { Deferred, Effect, Exit, Fiber, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as LoopbackLogin from "../src/LoopbackLogin.js"

// These tests replace Auth with a recording double and play the browser's
// part with fetch. The end-to-end login against the sandbox is in
// LoopbackLogin.sandbox.test.ts.

const token = new Token({
  accessToken: Redacted.make("access"),
  refreshToken: Option.none(),
  expiresAt: 1_900_000_000_000,
  scope: ["transactions"],
  confirmed: false
})

interface Recorded {
  redirectUri: string | undefined
  callbackUrl: string | undefined
}

const authLayer = (recorded: Recorded, exchange: Effect.Effect<Token, OAuthError> = Effect.succeed(token)) =>
  Layer.mock(Auth.Auth, {
    authorizationUrl: (options) =>
      Effect.sync(() => {
        recorded.redirectUri = options?.redirectUri
        const url = new URL("http://127.0.0.1:9/api/oauth/authorize")
        url.searchParams.set("redirect_uri", options?.redirectUri ?? "")
        url.searchParams.set("state", "state-1")
        return { url: url.href, state: "state-1", verifier: Option.none() }
      }),
    exchangeCode: (callbackUrl) =>
      Effect.suspend(() => {
        recorded.callbackUrl = callbackUrl
        return exchange
      })
  })

const configLayer = (redirectUri?: string) =>
  KontistConfig.layer({ clientId: "test-client", baseUrl: "http://127.0.0.1:9", redirectUri })

/** Starts the login, waits for the printed URL and returns the redirect URI from it. */
const startLogin = (options: LoopbackLogin.LoginOptions = {}) =>
  Effect.gen(function*() {
    const printed = yield* Deferred.make<string>()
    const fiber = yield* Effect.fork(
      LoopbackLogin.loginWithBrowser({ ...options, onUrl: (url) => Deferred.succeed(printed, url) })
    )
    const url = new URL(yield* Deferred.await(printed))
    return { fiber, redirectUri: url.searchParams.get("redirect_uri") ?? "" }
  })

const get = (url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return { status: response.status, body: await response.text() }
  })

const isRefused = (url: string) =>
  Effect.promise(() => fetch(url).then(() => false, () => true))

describe("LoopbackLogin", () => {
  it.live("exchanges the code and responds", () =>
    Effect.gen(function*() {
      const recorded: Recorded = { redirectUri: undefined, callbackUrl: undefined }
      const { fiber, redirectUri } = yield* startLogin().pipe(
        Effect.provide(authLayer(recorded)),
        Effect.provide(configLayer())
      )

      const page = yield* get(`${redirectUri}?code=code-1&state=state-1`)
      const result = yield* Fiber.join(fiber)

      expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
      expect(recorded.redirectUri).toBe(redirectUri)
      expect(recorded.callbackUrl).toBe(`${redirectUri}?code=code-1&state=state-1`)
      expect(page.status).toBe(200)
      expect(page.body).toContain("Logged in to Kontist")
      expect(result).toBe(token)
      expect(yield* isRefused(redirectUri)).toBe(true)
    }))

  it.live("shows a failed exchange to the browser", () =>
    Effect.gen(function*() {
      const recorded: Recorded = { redirectUri: undefined, callbackUrl: undefined }
      const failure = new OAuthError({ error: "invalid_grant", description: "code <expired>" })
      const { fiber, redirectUri } = yield* startLogin().pipe(
        Effect.provide(authLayer(recorded, Effect.fail(failure))),
        Effect.provide(configLayer())
      )

      const page = yield* get(`${redirectUri}?code=code-1&state=state-1`)
      const exit = yield* Fiber.await(fiber)

      expect(page.status).toBe(400)
      expect(page.body).toContain("code &#60;expired&#62;")
      expect(exit).toEqual(Exit.fail(failure))
    }))

  it.live("fails with Timeout when no callback arrives", () =>
    Effect.gen(function*() {
      const recorded: Recorded = { redirectUri: undefined, callbackUrl: undefined }
      const { fiber, redirectUri } = yield* startLogin({ timeout: "200 millis" }).pipe(
        Effect.provide(authLayer(recorded)),
        Effect.provide(configLayer())
      )

      const error = yield* Effect.flip(Fiber.join(fiber))

      expect(error).toBeInstanceOf(LoopbackLogin.LoopbackLoginError)
      expect((error as LoopbackLogin.LoopbackLoginError).reason).toBe("Timeout")
      expect(error.message).toContain(redirectUri)
      expect(recorded.callbackUrl).toBeUndefined()
      expect(yield* isRefused(redirectUri)).toBe(true)
    }))

  it.live("rejects other paths and methods", () =>
    Effect.gen(function*() {
      const recorded: Recorded = { redirectUri: undefined, callbackUrl: undefined }
      const { fiber, redirectUri } = yield* startLogin().pipe(
        Effect.provide(authLayer(recorded)),
        Effect.provide(configLayer())
      )
      const origin = new URL(redirectUri).origin

      const favicon = yield* get(`${origin}/favicon.ico`)
      const post = yield* get(`${redirectUri}?code=code-1&state=state-1`, { method: "POST" })
      const callback = yield* get(`${redirectUri}?code=code-1&state=state-1`)
      yield* Fiber.join(fiber)

      expect(favicon.status).toBe(404)
      expect(post.status).toBe(405)
      expect(callback.status).toBe(200)
      expect(recorded.callbackUrl).toBe(`${redirectUri}?code=code-1&state=state-1`)
    }))

  it.live("ignores callbacks with another state", () =>
    Effect.gen(function*() {
      const recorded: Recorded = { redirectUri: undefined, callbackUrl: undefined }
      const { fiber, redirectUri } = yield* startLogin().pipe(
        Effect.provide(authLayer(recorded)),
        Effect.provide(configLayer())
      )

      // What another local process, or a web page with an <img> pointing at the port, could send.
      const forged = yield* get(`${redirectUri}?code=forged&state=state-2`)
      const withoutState = yield* get(`${redirectUri}?error=access_denied`)
      const callback = yield* get(`${redirectUri}?code=code-1&state=state-1`)
      const result = yield* Fiber.join(fiber)

      expect(forged.status).toBe(400)
      expect(forged.body).not.toContain("state-2")
      expect(withoutState.status).toBe(400)
      expect(callback.status).toBe(200)
      expect(recorded.callbackUrl).toBe(`${redirectUri}?code=code-1&state=state-1`)
      expect(result).toBe(token)
    }))

  it.live("passes an error callback with the right state", () =>
    Effect.gen(function*() {
      const recorded: Recorded = { redirectUri: undefined, callbackUrl: undefined }
      const denied = new OAuthError({ error: "access_denied", description: "the user denied access" })
      const { fiber, redirectUri } = yield* startLogin().pipe(
        Effect.provide(authLayer(recorded, Effect.fail(denied))),
        Effect.provide(configLayer())
      )

      const page = yield* get(`${redirectUri}?error=access_denied&state=state-1`)
      const exit = yield* Fiber.await(fiber)

      expect(page.status).toBe(400)
      expect(page.body).toContain("the user denied access")
      expect(recorded.callbackUrl).toBe(`${redirectUri}?error=access_denied&state=state-1`)
      expect(exit).toEqual(Exit.fail(denied))
    }))

  it.live("continues when no browser starts", () =>
    Effect.gen(function*() {
      // An empty PATH makes the browser command fail to start, so no real browser opens.
      const emptyDirectory = yield* Effect.acquireRelease(
        Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "kontist-no-browser-"))),
        (directory) => Effect.sync(() => Fs.rmSync(directory, { recursive: true, force: true }))
      )
      const originalPath = process.env["PATH"]
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          process.env["PATH"] = emptyDirectory
        }),
        () =>
          Effect.sync(() => {
            process.env["PATH"] = originalPath
          })
      )
      const recorded: Recorded = { redirectUri: undefined, callbackUrl: undefined }
      const messages: Array<string> = []
      const { fiber, redirectUri } = yield* startLogin({ openBrowser: true }).pipe(
        Effect.provide(authLayer(recorded)),
        Effect.provide(configLayer()),
        Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => messages.push(String(message))))),
        Logger.withMinimumLogLevel(LogLevel.Debug)
      )

      const page = yield* get(`${redirectUri}?code=code-1&state=state-1`)
      const result = yield* Fiber.join(fiber)

      expect(page.status).toBe(200)
      expect(result).toBe(token)
      expect(messages.some((message) => message.includes("to open the browser failed"))).toBe(true)
    }).pipe(Effect.scoped))

  it.live("uses the configured loopback port", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const configured = `http://localhost:${port}/kontist/done`
      const recorded: Recorded = { redirectUri: undefined, callbackUrl: undefined }
      const { fiber, redirectUri } = yield* startLogin().pipe(
        Effect.provide(authLayer(recorded)),
        Effect.provide(configLayer(configured))
      )

      const page = yield* get(`http://127.0.0.1:${port}/kontist/done?code=code-1&state=state-1`)
      yield* Fiber.join(fiber)

      expect(redirectUri).toBe(configured)
      expect(page.status).toBe(200)
      expect(recorded.callbackUrl).toBe(`${configured}?code=code-1&state=state-1`)
    }))

  it.scopedLive("fails with ListenFailed when the port is taken", () =>
    Effect.gen(function*() {
      const blocker = yield* occupiedPort
      const recorded: Recorded = { redirectUri: undefined, callbackUrl: undefined }

      const error = yield* LoopbackLogin.loginWithBrowser({ port: blocker, onUrl: () => Effect.void }).pipe(
        Effect.provide(authLayer(recorded)),
        Effect.provide(configLayer()),
        Effect.flip
      )

      expect(error).toBeInstanceOf(LoopbackLogin.LoopbackLoginError)
      expect((error as LoopbackLogin.LoopbackLoginError).reason).toBe("ListenFailed")
      expect(error.message).toContain(`127.0.0.1:${blocker}`)
      expect(recorded.redirectUri).toBeUndefined()
    }))
})

const occupiedPort = Effect.acquireRelease(
  Effect.async<{ server: Net.Server; port: number }>((resume) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, port: (server.address() as Net.AddressInfo).port })))
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.close(() => resume(Effect.void))
    })
).pipe(Effect.map(({ port }) => port))

const freePort = Effect.scoped(occupiedPort)
