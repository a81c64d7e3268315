import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Either, Exit, Fiber, Layer, Option, Redacted, Ref, TestClock } from "effect"
import { Auth, TokenRenewal } from "../src/Auth.js"
import { GraphQL } from "../src/GraphQL.js"
import * as Pkce from "../src/Pkce.js"
import {
  assertTag,
  type Handler,
  makeRecordingClient,
  makeToken,
  type RecordedRequest,
  type Reply,
  serviceLayer,
  testIssuer
} from "./utils/RecordingClient.js"

const tokenReply = (overrides: Record<string, unknown> = {}): Reply => ({
  body: {
    access_token: "access-2",
    token_type: "Bearer",
    expires_in: 3600,
    scope: "transactions offline",
    ...overrides
  }
})

const tokenEndpoint = (reply: Reply): Handler => (request) =>
  Effect.succeed(request.path === "/api/oauth/token" ? reply : { status: 404, body: "" })

const tokenRequests = (requests: ReadonlyArray<RecordedRequest>) =>
  requests.filter((request) => request.path === "/api/oauth/token")

/** An RFC 6749 reply to a refresh token the server no longer accepts. */
const revokedReply: Reply = { status: 400, body: { error: "invalid_grant", error_description: "refresh token revoked" } }

/**
 * A token endpoint whose first reply comes after one second (of the
 * TestClock) and is `first`; every later request gets `tokenReply()` at once.
 * `calls` counts the requests.
 */
const slowFirstReply = (calls: Ref.Ref<number>, first: Reply): Handler => () =>
  Effect.flatMap(Ref.getAndUpdate(calls, (n) => n + 1), (n) =>
    n === 0 ? Effect.as(Effect.sleep("1 second"), first) : Effect.succeed(tokenReply()))

/**
 * A token endpoint that signals `started` on a request and replies with
 * `reply` once `release` completes.
 */
const heldReply = (started: Deferred.Deferred<void>, release: Deferred.Deferred<void>, reply: Reply): Handler => () =>
  Deferred.succeed(started, undefined).pipe(
    Effect.zipRight(Deferred.await(release)),
    Effect.as(reply)
  )

/**
 * Interrupts `fiber` while its token request is held, then releases the
 * request and waits for the fiber to end.
 */
const interruptWhileHeld = <A, E>(fiber: Fiber.Fiber<A, E>, started: Deferred.Deferred<void>, release: Deferred.Deferred<void>) =>
  Effect.gen(function*() {
    yield* Deferred.await(started)
    const interrupter = yield* Effect.fork(Fiber.interrupt(fiber))
    yield* Effect.yieldNow()
    yield* Deferred.succeed(release, undefined)
    return yield* Fiber.join(interrupter)
  })

const withAuth = <A, E>(
  handler: Handler,
  initial: Parameters<typeof makeToken>[0] | undefined,
  body: (auth: Auth["Type"]) => Effect.Effect<A, E, GraphQL>
) =>
  Effect.gen(function*() {
    const { client, requests } = yield* makeRecordingClient(handler)
    const result = yield* Effect.either(
      Effect.flatMap(Auth, body).pipe(
        Effect.provide(serviceLayer(client, { initial: initial === undefined ? undefined : makeToken(initial) }))
      )
    )
    return { result, requests: yield* Ref.get(requests) }
  })

describe("Auth.accessToken", () => {
  it.effect("returns a fresh token without a request", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), { expiresAt: 61_000 }, (auth) =>
        auth.accessToken)
      expect(Redacted.value(Either.getOrThrow(result))).toBe("access-1")
      expect(requests).toHaveLength(0)
    }))

  it.effect("refreshes within 60 s of expiry", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), { expiresAt: 100_000 }, (auth) =>
        Effect.gen(function*() {
          yield* TestClock.setTime(39_999)
          expect(Redacted.value(yield* auth.accessToken)).toBe("access-1")
          yield* TestClock.setTime(40_000)
          const renewed = yield* auth.accessToken
          const stored = Option.getOrThrow(yield* auth.token)
          return { renewed, stored }
        }))

      const { renewed, stored } = Either.getOrThrow(result)
      expect(Redacted.value(renewed)).toBe("access-2")
      expect(stored.expiresAt).toBe(40_000 + 3_600_000)
      expect(tokenRequests(requests)).toHaveLength(1)
      const form = requests[0]!.form
      expect(form.get("grant_type")).toBe("refresh_token")
      expect(form.get("refresh_token")).toBe("refresh-1")
      expect(form.get("client_id")).toBe("test-client")
      expect(form.get("client_secret")).toBe("test-secret")
      expect(requests[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded")
    }))

  it.effect("50 waiting fibers cause one refresh", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), { expiresAt: 0 }, (auth) =>
        Effect.all(Array.from({ length: 50 }, () => auth.accessToken), { concurrency: "unbounded" }))

      const tokens = Either.getOrThrow(result).map(Redacted.value)
      expect(new Set(tokens)).toEqual(new Set(["access-2"]))
      expect(tokenRequests(requests)).toHaveLength(1)
    }))

  it.effect("failed refresh is not cached", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const handler: Handler = () =>
        Effect.map(Ref.getAndUpdate(calls, (n) => n + 1), (n) =>
          n === 0 ? { status: 503, body: "" } : tokenReply())
      const { result, requests } = yield* withAuth(handler, { expiresAt: 0 }, (auth) =>
        Effect.gen(function*() {
          const first = yield* Effect.either(auth.accessToken)
          const second = yield* auth.accessToken
          return { first, second }
        }))

      const { first, second } = Either.getOrThrow(result)
      expect(Either.isLeft(first)).toBe(true)
      expect(Redacted.value(second)).toBe("access-2")
      expect(tokenRequests(requests)).toHaveLength(2)
    }))

  it.effect("failed refresh is shared by waiters", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const { result } = yield* withAuth(slowFirstReply(calls, revokedReply), { expiresAt: 0 }, (auth) =>
        Effect.gen(function*() {
          const waiters = yield* Effect.fork(
            Effect.all(Array.from({ length: 20 }, () => Effect.either(auth.accessToken)), { concurrency: "unbounded" })
          )
          yield* TestClock.adjust("1 second")
          const outcomes = yield* Fiber.join(waiters)
          const requestsOfRound = yield* Ref.get(calls)

          const later = yield* auth.accessToken
          return { outcomes, requestsOfRound, later, requestsInAll: yield* Ref.get(calls) }
        }))

      const { later, outcomes, requestsInAll, requestsOfRound } = Either.getOrThrow(result)
      expect(requestsOfRound).toBe(1)
      const errors = outcomes.map((outcome) => Option.getOrThrow(Either.getLeft(outcome)))
      expect(errors).toHaveLength(20)
      const first = errors[0]!
      assertTag(first, "OAuthError")
      expect(first.error).toBe("invalid_grant")
      for (const error of errors) expect(error).toBe(first)

      // A call after the failed round tries again.
      expect(requestsInAll).toBe(2)
      expect(Redacted.value(later)).toBe("access-2")
    }))

  it.effect("short-lived token renews at half its lifetime", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply({ expires_in: 30 })), { expiresAt: 0 }, (auth) =>
        Effect.gen(function*() {
          const renewed = yield* auth.accessToken
          const stored = Option.getOrThrow(yield* auth.token)
          const reused = yield* auth.accessToken
          yield* TestClock.setTime(14_999)
          const reusedLater = yield* auth.accessToken
          const beforeHalf = (yield* auth.token).pipe(Option.map((token) => token.expiresAt))
          yield* TestClock.setTime(15_000)
          yield* auth.accessToken
          const afterHalf = (yield* auth.token).pipe(Option.map((token) => token.expiresAt))
          return { renewed, stored, reused, reusedLater, beforeHalf, afterHalf }
        }))

      const { afterHalf, beforeHalf, renewed, reused, reusedLater, stored } = Either.getOrThrow(result)
      expect(Redacted.value(renewed)).toBe("access-2")
      expect(stored.issuedAt).toBe(0)
      expect(stored.expiresAt).toBe(30_000)
      expect(Redacted.value(reused)).toBe("access-2")
      expect(Redacted.value(reusedLater)).toBe("access-2")
      expect(beforeHalf).toEqual(Option.some(30_000))
      expect(afterHalf).toEqual(Option.some(15_000 + 30_000))
      expect(tokenRequests(requests)).toHaveLength(2)
    }))

  it.effect("long-lived token renews 60 s before expiry", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(
        tokenEndpoint(tokenReply()),
        { issuedAt: 0, expiresAt: 3_600_000 },
        (auth) =>
          Effect.gen(function*() {
            yield* TestClock.setTime(3_539_999)
            const before = yield* auth.accessToken
            yield* TestClock.setTime(3_540_000)
            const after = yield* auth.accessToken
            return { before, after }
          })
      )

      const { after, before } = Either.getOrThrow(result)
      expect(Redacted.value(before)).toBe("access-1")
      expect(Redacted.value(after)).toBe("access-2")
      expect(tokenRequests(requests)).toHaveLength(1)
    }))

  it.effect("interrupted refresh still stores the token", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const handler = heldReply(started, release, tokenReply({ refresh_token: "refresh-2" }))
      const { result } = yield* withAuth(handler, { expiresAt: 0 }, (auth) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(auth.accessToken)
          const exit = yield* interruptWhileHeld(fiber, started, release)
          return { exit, stored: Option.getOrThrow(yield* auth.token) }
        }))

      const { exit, stored } = Either.getOrThrow(result)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(Redacted.value(stored.accessToken)).toBe("access-2")
      expect(Redacted.value(Option.getOrThrow(stored.refreshToken))).toBe("refresh-2")
    }))

  it.effect("without refresh token fails Expired", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), {
        expiresAt: 0,
        refreshToken: null
      }, (auth) => auth.accessToken)

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "Unauthorized")
      expect(error.reason).toBe("Expired")
      expect(requests).toHaveLength(0)
    }))

  it.effect("without refresh token uses TokenRenewal", () =>
    Effect.gen(function*() {
      const renewals = yield* Ref.make(0)
      const renewal = Layer.succeed(TokenRenewal, {
        renew: Ref.update(renewals, (n) => n + 1).pipe(
          Effect.as(makeToken({ accessToken: "renewed", refreshToken: null, expiresAt: 3_600_000 }))
        )
      })
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), { expiresAt: 0, refreshToken: null }, (auth) =>
        Effect.all([auth.accessToken, auth.accessToken], { concurrency: "unbounded" }).pipe(
          Effect.provide(renewal)
        ))

      expect(Either.getOrThrow(result).map(Redacted.value)).toEqual(["renewed", "renewed"])
      expect(yield* Ref.get(renewals)).toBe(1)
    }))

  it.effect("TokenRenewal may store through Auth", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), { expiresAt: 0, refreshToken: null }, (auth) =>
        auth.accessToken.pipe(Effect.provideService(TokenRenewal, {
          renew: auth.setToken(makeToken({ accessToken: "renewed", refreshToken: null, expiresAt: 3_600_000 }))
        })))

      expect(Redacted.value(Either.getOrThrow(result))).toBe("renewed")
    }))

  it.effect("logout during a refresh wins", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const handler: Handler = () =>
        Deferred.succeed(started, undefined).pipe(
          Effect.zipRight(Deferred.await(release)),
          Effect.as(tokenReply())
        )
      const { result } = yield* withAuth(handler, { expiresAt: 0 }, (auth) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(auth.accessToken)
          yield* Deferred.await(started)
          yield* auth.logout
          yield* Deferred.succeed(release, undefined)
          const outcome = yield* Effect.either(Fiber.join(fiber))
          return { outcome, stored: yield* auth.token }
        }))

      const { outcome, stored } = Either.getOrThrow(result)
      const error = Option.getOrThrow(Either.getLeft(outcome))
      assertTag(error, "Unauthorized")
      expect(error.reason).toBe("NoToken")
      expect(Option.isNone(stored)).toBe(true)
    }))

  it.effect("without a stored token fails NoToken", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) => auth.accessToken)
      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "Unauthorized")
      expect(error.reason).toBe("NoToken")
    }))
})

describe("Auth.renewAfterRejection", () => {
  it.effect("renews the rejected token", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), {}, (auth) =>
        auth.renewAfterRejection(Redacted.make("access-1")))

      expect(Redacted.value(Either.getOrThrow(result))).toBe("access-2")
      expect(tokenRequests(requests)).toHaveLength(1)
    }))

  it.effect("failed renewal is shared by waiters", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const { result } = yield* withAuth(slowFirstReply(calls, revokedReply), {}, (auth) =>
        Effect.gen(function*() {
          const rejected = Redacted.make("access-1")
          const waiters = yield* Effect.fork(
            Effect.all(
              Array.from({ length: 20 }, () => Effect.either(auth.renewAfterRejection(rejected))),
              { concurrency: "unbounded" }
            )
          )
          yield* TestClock.adjust("1 second")
          const outcomes = yield* Fiber.join(waiters)
          const requestsOfRound = yield* Ref.get(calls)

          const later = yield* auth.renewAfterRejection(rejected)
          return { outcomes, requestsOfRound, later, requestsInAll: yield* Ref.get(calls) }
        }))

      const { later, outcomes, requestsInAll, requestsOfRound } = Either.getOrThrow(result)
      expect(requestsOfRound).toBe(1)
      const errors = outcomes.map((outcome) => Option.getOrThrow(Either.getLeft(outcome)))
      expect(errors).toHaveLength(20)
      const first = errors[0]!
      assertTag(first, "OAuthError")
      expect(first.error).toBe("invalid_grant")
      for (const error of errors) expect(error).toBe(first)

      // A call after the failed round tries again.
      expect(requestsInAll).toBe(2)
      expect(Redacted.value(later)).toBe("access-2")
    }))

  it.effect("an already replaced token is not renewed", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), { accessToken: "access-9" }, (auth) =>
        auth.renewAfterRejection(Redacted.make("access-1")))

      expect(Redacted.value(Either.getOrThrow(result))).toBe("access-9")
      expect(requests).toHaveLength(0)
    }))
})

describe("Auth.refresh", () => {
  it.effect("response without refresh_token keeps the stored one", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), { confirmed: true }, (auth) => auth.refresh)

      const token = Either.getOrThrow(result)
      expect(Redacted.value(token.accessToken)).toBe("access-2")
      expect(Redacted.value(Option.getOrThrow(token.refreshToken))).toBe("refresh-1")
      expect(token.confirmed).toBe(true)
      expect(token.scope).toEqual(["transactions", "offline"])
    }))

  it.effect("response with refresh_token replaces it", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply({ refresh_token: "refresh-2" })), {}, (auth) =>
        Effect.zipRight(auth.refresh, auth.token))

      const stored = Option.getOrThrow(Either.getOrThrow(result))
      expect(Redacted.value(Option.getOrThrow(stored.refreshToken))).toBe("refresh-2")
    }))

  it.effect("without refresh token fails no_refresh_token", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), { refreshToken: null }, (auth) =>
        auth.refresh)

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "OAuthError")
      expect(error.error).toBe("no_refresh_token")
      expect(requests).toHaveLength(0)
    }))

  it.effect("RFC 6749 error becomes OAuthError", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(
        tokenEndpoint({ status: 400, body: { error: "invalid_grant", error_description: "refresh token revoked" } }),
        {},
        (auth) => auth.refresh
      )

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "OAuthError")
      expect(error.error).toBe("invalid_grant")
      expect(error.description).toBe("refresh token revoked")
      expect(error.message).not.toContain("refresh-1")
    }))

  it.effect("HTML error page becomes ResponseError", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(
        tokenEndpoint({ status: 503, headers: { "content-type": "text/html" }, body: "<html>down</html>" }),
        {},
        (auth) => auth.refresh
      )

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "ResponseError")
      expect(error.reason).toBe("UnexpectedBody")
      expect(error.message).toContain("<html>down</html>")
    }))

  it.effect("malformed success body is not quoted", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(
        tokenEndpoint({ status: 200, headers: { "content-type": "application/json" }, body: "{\"access_token\":\"leak" }),
        {},
        (auth) => auth.refresh
      )

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "ResponseError")
      expect(error.reason).toBe("UnexpectedBody")
      expect(error.message).not.toContain("leak")
    }))

  it.effect("token request is not retried", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint({ status: 503, body: "" }), {}, (auth) => auth.refresh)
      expect(Either.isLeft(result)).toBe(true)
      expect(requests).toHaveLength(1)
    }))
})

describe("Auth.authorizationUrl", () => {
  it.effect("confidential client without PKCE", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) => auth.authorizationUrl())

      const request = Either.getOrThrow(result)
      const url = new URL(request.url)
      expect(url.origin + url.pathname).toBe("http://127.0.0.1:9/api/oauth/authorize")
      expect(url.searchParams.get("response_type")).toBe("code")
      expect(url.searchParams.get("client_id")).toBe("test-client")
      expect(url.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:8080/callback")
      expect(url.searchParams.get("scope")).toBe(
        "accounts clients offline statements subscriptions transactions transfers users"
      )
      expect(url.searchParams.get("state")).toBe(request.state)
      expect(url.searchParams.has("code_challenge")).toBe(false)
      expect(Option.isNone(request.verifier)).toBe(true)
    }))

  it.effect("PKCE challenge matches the verifier", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        auth.authorizationUrl({ pkce: true, state: "my-state", prompt: "none", responseMode: "web_message" }))

      const request = Either.getOrThrow(result)
      const url = new URL(request.url)
      const verifier = Option.getOrThrow(request.verifier)
      expect(url.searchParams.get("code_challenge")).toBe(yield* Pkce.deriveChallenge(verifier))
      expect(url.searchParams.get("code_challenge_method")).toBe("S256")
      expect(url.searchParams.get("state")).toBe("my-state")
      expect(url.searchParams.get("prompt")).toBe("none")
      expect(url.searchParams.get("response_mode")).toBe("web_message")
      expect(request.url).not.toContain(Redacted.value(verifier))
    }))

  it.effect("uses the caller's verifier", () =>
    Effect.gen(function*() {
      const verifier = Redacted.make("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        auth.authorizationUrl({ verifier }))

      const request = Either.getOrThrow(result)
      const url = new URL(request.url)
      expect(url.searchParams.get("code_challenge")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
      expect(url.searchParams.get("code_challenge_method")).toBe("S256")
      expect(request.verifier).toEqual(Option.some(verifier))
    }))

  it.effect("rejects a short verifier", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        auth.authorizationUrl({ verifier: Redacted.make("too-short") }))

      const error = Either.getLeft(result).pipe(Option.getOrThrow)
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toContain("verifier")
      expect(error.message).not.toContain("too-short")
      expect(requests).toHaveLength(0)
    }))
})

describe("Auth.exchangeCode", () => {
  const callback = (query: string) => `http://127.0.0.1:8080/callback?${query}`

  it.effect("sends code, secret, verifier and redirect URI", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(
        tokenEndpoint(tokenReply({ refresh_token: "refresh-9" })),
        undefined,
        (auth) =>
          Effect.gen(function*() {
            const request = yield* auth.authorizationUrl({ pkce: true, redirectUri: "http://127.0.0.1:5555/cb" })
            const token = yield* auth.exchangeCode(`http://127.0.0.1:5555/cb?code=abc&state=${request.state}`)
            return { request, token }
          })
      )

      const { request, token } = Either.getOrThrow(result)
      expect(Redacted.value(token.accessToken)).toBe("access-2")
      expect(Redacted.value(Option.getOrThrow(token.refreshToken))).toBe("refresh-9")
      expect(token.confirmed).toBe(false)
      expect(token.scope).toEqual(["transactions", "offline"])
      const form = requests[0]!.form
      expect(form.get("grant_type")).toBe("authorization_code")
      expect(form.get("code")).toBe("abc")
      expect(form.get("redirect_uri")).toBe("http://127.0.0.1:5555/cb")
      expect(form.get("client_secret")).toBe("test-secret")
      expect(form.get("code_verifier")).toBe(Redacted.value(Option.getOrThrow(request.verifier)))
    }))

  it.effect("state mismatch is rejected", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        Effect.zipRight(auth.authorizationUrl({ state: "expected" }), auth.exchangeCode(callback("code=abc&state=forged"))))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "OAuthError")
      expect(error.error).toBe("state_mismatch")
      expect(requests).toHaveLength(0)
    }))

  it.effect("mismatch keeps the pending request", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        Effect.gen(function*() {
          yield* auth.authorizationUrl({ state: "expected" })
          yield* Effect.either(auth.exchangeCode(callback("code=abc&state=forged")))
          return yield* auth.exchangeCode(callback("code=abc&state=expected"))
        }))
      expect(Either.isRight(result)).toBe(true)
    }))

  it.effect("error parameter becomes OAuthError", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        Effect.zipRight(
          auth.authorizationUrl({ state: "s1", prompt: "none" }),
          auth.exchangeCode(callback("error=login_required&error_description=Login%20needed&state=s1"))
        ))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "OAuthError")
      expect(error.error).toBe("login_required")
      expect(error.description).toBe("Login needed")
    }))

  it.effect("callback without code fails missing_code", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        Effect.zipRight(auth.authorizationUrl({ state: "s1" }), auth.exchangeCode(callback("state=s1"))))
      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "OAuthError")
      expect(error.error).toBe("missing_code")
    }))

  it.effect("a code is exchanged once", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        Effect.gen(function*() {
          yield* auth.authorizationUrl({ state: "s1" })
          yield* auth.exchangeCode(callback("code=abc&state=s1"))
          return yield* auth.exchangeCode(callback("code=abc&state=s1"))
        }))
      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "OAuthError")
      expect(error.error).toBe("no_pending_authorization")
    }))

  it.effect("explicit request replaces the pending one", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        auth.exchangeCode(callback("code=abc&state=kept"), {
          state: "kept",
          verifier: Option.some(Redacted.make("v".repeat(43)))
        }))

      expect(Either.isRight(result)).toBe(true)
      expect(requests[0]!.form.get("code_verifier")).toBe("v".repeat(43))
      expect(requests[0]!.form.get("redirect_uri")).toBe("http://127.0.0.1:8080/callback")
    }))

  it.effect("remember false keeps the pending request", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        Effect.gen(function*() {
          yield* auth.authorizationUrl({ state: "interactive" })
          const silent = yield* auth.authorizationUrl({
            state: "silent",
            pkce: true,
            prompt: "none",
            redirectUri: "http://127.0.0.1:5555/silent",
            remember: false
          })
          yield* auth.exchangeCode("http://127.0.0.1:5555/silent?code=silent-code&state=silent", {
            state: silent.state,
            verifier: silent.verifier,
            redirectUri: "http://127.0.0.1:5555/silent"
          })
          return yield* auth.exchangeCode(callback("code=interactive-code&state=interactive"))
        }))

      expect(Either.isRight(result)).toBe(true)
      const forms = tokenRequests(requests).map((request) => request.form)
      expect(forms.map((form) => form.get("code"))).toEqual(["silent-code", "interactive-code"])
      expect(forms[0]!.get("redirect_uri")).toBe("http://127.0.0.1:5555/silent")
      expect(forms[0]!.has("code_verifier")).toBe(true)
      expect(forms[1]!.get("redirect_uri")).toBe("http://127.0.0.1:8080/callback")
      expect(forms[1]!.has("code_verifier")).toBe(false)
    }))

  it.effect("remember false leaves nothing pending", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        Effect.zipRight(
          auth.authorizationUrl({ state: "s1", remember: false }),
          auth.exchangeCode(callback("code=abc&state=s1"))
        ))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "OAuthError")
      expect(error.error).toBe("no_pending_authorization")
      expect(requests).toHaveLength(0)
    }))

  it.effect("interrupted exchange still stores the token", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const handler = heldReply(started, release, tokenReply({ refresh_token: "refresh-9" }))
      const { result } = yield* withAuth(handler, undefined, (auth) =>
        Effect.gen(function*() {
          yield* auth.authorizationUrl({ state: "s1" })
          const fiber = yield* Effect.fork(auth.exchangeCode(callback("code=abc&state=s1")))
          const exit = yield* interruptWhileHeld(fiber, started, release)
          return { exit, stored: yield* auth.token }
        }))

      const { exit, stored } = Either.getOrThrow(result)
      expect(Exit.isInterrupted(exit)).toBe(true)
      const token = Option.getOrThrow(stored)
      expect(Redacted.value(token.accessToken)).toBe("access-2")
      expect(Redacted.value(Option.getOrThrow(token.refreshToken))).toBe("refresh-9")
    }))

  it.effect("invalid callback URL is InvalidInput", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        auth.exchangeCode("not a url"))
      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "InvalidInput")
      expect(error.field).toBe("callbackUrl")
    }))
})

describe("Auth.loginWithPassword", () => {
  it.effect("sends the password grant", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        auth.loginWithPassword({ username: "lena@example.com", password: Redacted.make("pw") }))

      expect(Redacted.value(Either.getOrThrow(result).accessToken)).toBe("access-2")
      const form = requests[0]!.form
      expect(form.get("grant_type")).toBe("password")
      expect(form.get("username")).toBe("lena@example.com")
      expect(form.get("password")).toBe("pw")
      expect(form.get("client_secret")).toBe("test-secret")
      expect(form.get("scope")).toContain("transactions")
    }))

  it.effect("invalid_client becomes OAuthError", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(
        tokenEndpoint({ status: 401, body: { error: "invalid_client", error_description: "unknown client" } }),
        undefined,
        (auth) => auth.loginWithPassword({ username: "u", password: "secret-pw" })
      )
      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "OAuthError")
      expect(error.error).toBe("invalid_client")
      expect(error.message).not.toContain("secret-pw")
    }))

  it.effect("interrupted login still stores the token", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const { result } = yield* withAuth(heldReply(started, release, tokenReply()), undefined, (auth) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(auth.loginWithPassword({ username: "lena@example.com", password: "pw" }))
          const exit = yield* interruptWhileHeld(fiber, started, release)
          return { exit, stored: yield* auth.token }
        }))

      const { exit, stored } = Either.getOrThrow(result)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(Redacted.value(Option.getOrThrow(stored).accessToken)).toBe("access-2")
    }))
})

describe("Auth.logout", () => {
  it.effect("removes the token", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), {}, (auth) =>
        Effect.zipRight(auth.logout, auth.token))
      expect(Option.isNone(Either.getOrThrow(result))).toBe(true)
    }))
})

describe("Auth with a token of another issuer", () => {
  const otherApi = { baseUrl: "http://127.0.0.1:7", clientId: testIssuer.clientId }
  const otherClient = { baseUrl: testIssuer.baseUrl, clientId: "other-client" }

  // Replies as the API would, so that only the recorded requests show whether a token was sent.
  const anyReply: Handler = (request) =>
    Effect.succeed(
      request.path === "/api/oauth/token" ? tokenReply() : { body: { data: { viewer: { email: "lena@example.com" } } } }
    )

  for (const [name, issuer] of [["another API", otherApi], ["another client", otherClient]] as const) {
    it.effect(`token of ${name} is not sent`, () =>
      Effect.gen(function*() {
        const { result, requests } = yield* withAuth(anyReply, { expiresAt: 3_600_000, issuer }, (auth) =>
          Effect.gen(function*() {
            const stored = yield* auth.token
            const error = yield* Effect.flip(auth.accessToken)
            const query = yield* Effect.flip(Effect.flatMap(GraphQL, (graphql) => graphql.raw("query { viewer { email } }")))
            return { stored, error, query }
          }))

        const { stored, error, query } = Either.getOrThrow(result)
        expect(Option.isNone(stored)).toBe(true)
        assertTag(error, "Unauthorized")
        expect(error.reason).toBe("NoToken")
        expect(error.message).toContain("another API or client")
        expect(error.message).toContain(issuer.baseUrl)
        expect(error.message).toContain(issuer.clientId)
        expect(error.message).toContain("Log in again")
        expect(error.message).not.toContain("access-1")
        assertTag(query, "Unauthorized")
        expect(requests).toHaveLength(0)
      }))

    it.effect(`expired token of ${name} is not refreshed`, () =>
      Effect.gen(function*() {
        const { result, requests } = yield* withAuth(anyReply, { expiresAt: 0, issuer }, (auth) =>
          Effect.gen(function*() {
            const viaAccessToken = yield* Effect.flip(auth.accessToken)
            const viaRefresh = yield* Effect.flip(auth.refresh)
            const viaRejection = yield* Effect.flip(auth.renewAfterRejection(Redacted.make("access-1")))
            return [viaAccessToken, viaRefresh, viaRejection]
          }))

        for (const error of Either.getOrThrow(result)) {
          assertTag(error, "Unauthorized")
          expect(error.reason).toBe("NoToken")
        }
        expect(requests).toHaveLength(0)
      }))
  }

  it.effect("token without issuer is not sent", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(anyReply, { expiresAt: 0, issuer: null }, (auth) =>
        Effect.gen(function*() {
          const stored = yield* auth.token
          const error = yield* Effect.flip(auth.accessToken)
          return { stored, error }
        }))

      const { stored, error } = Either.getOrThrow(result)
      expect(Option.isNone(stored)).toBe(true)
      assertTag(error, "Unauthorized")
      expect(error.reason).toBe("NoToken")
      expect(error.message).toContain("does not record")
      expect(error.message).toContain("Log in again")
      expect(requests).toHaveLength(0)
    }))

  it.effect("login replaces a token of another API", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(tokenEndpoint(tokenReply()), { issuer: otherApi }, (auth) =>
        Effect.gen(function*() {
          const login = yield* auth.loginWithPassword({ username: "lena@example.com", password: "pw" })
          return { login, accessToken: yield* auth.accessToken }
        }))

      const { accessToken, login } = Either.getOrThrow(result)
      expect(login.issuer).toEqual(testIssuer)
      expect(Redacted.value(accessToken)).toBe("access-2")
      expect(tokenRequests(requests).map((request) => request.form.get("grant_type"))).toEqual(["password"])
    }))

  it.effect("refresh keeps the issuer", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), { expiresAt: 0 }, (auth) =>
        Effect.zipRight(auth.accessToken, auth.token))

      expect(Option.getOrThrow(Either.getOrThrow(result)).issuer).toEqual(testIssuer)
    }))

  it.effect("setToken records the configured issuer", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* withAuth(anyReply, undefined, (auth) =>
        Effect.gen(function*() {
          const set = yield* auth.setToken(makeToken({ accessToken: "given", issuer: null }))
          const stored = Option.getOrThrow(yield* auth.token)
          return { set, stored, accessToken: yield* auth.accessToken }
        }))

      const { accessToken, set, stored } = Either.getOrThrow(result)
      expect(set.issuer).toEqual(testIssuer)
      expect(stored.issuer).toEqual(testIssuer)
      expect(Redacted.value(accessToken)).toBe("given")
      expect(requests).toHaveLength(0)
    }))

  it.effect("setToken rejects a token of another API", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(anyReply, {}, (auth) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(auth.setToken(makeToken({ accessToken: "foreign", issuer: otherApi })))
          return { error, stored: Option.getOrThrow(yield* auth.token) }
        }))

      const { error, stored } = Either.getOrThrow(result)
      assertTag(error, "InvalidInput")
      expect(error.field).toBe("token.issuer")
      expect(error.message).toContain(otherApi.baseUrl)
      expect(error.message).toContain(testIssuer.baseUrl)
      expect(Redacted.value(stored.accessToken)).toBe("access-1")
    }))

  it.effect("code exchange records the issuer", () =>
    Effect.gen(function*() {
      const { result } = yield* withAuth(tokenEndpoint(tokenReply()), undefined, (auth) =>
        Effect.gen(function*() {
          const request = yield* auth.authorizationUrl({ state: "s1" })
          expect(request.state).toBe("s1")
          return yield* auth.exchangeCode("http://127.0.0.1:8080/callback?code=c1&state=s1")
        }))

      expect(Either.getOrThrow(result).issuer).toEqual(testIssuer)
    }))
})
