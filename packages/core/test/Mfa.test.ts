import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Option, Redacted, Ref, TestClock } from "effect"
import { Auth } from "../src/Auth.js"
import { Mfa } from "../src/Mfa.js"
import {
  assertTag,
  type Handler,
  makeRecordingClient,
  makeToken,
  type RecordedRequest,
  type Reply,
  serviceLayer
} from "./utils/RecordingClient.js"

const challengeExpiresAt = 300_000

const challenge = (status: string, expiresAt = challengeExpiresAt) => ({
  id: "challenge-1",
  status,
  expiresAt: new Date(expiresAt).toISOString()
})

/**
 * A fake MFA API. Creating a challenge returns PENDING, the n-th poll (from 1)
 * returns `pollReply(n)`, and the token exchange returns confirmed tokens.
 */
const mfaHandler = (
  polls: Ref.Ref<number>,
  pollReply: (poll: number, request: RecordedRequest) => Effect.Effect<Reply>,
  tokenReply: Reply = { status: 201, body: { token: "confirmed-access", refresh_token: "confirmed-refresh" } }
): Handler =>
(request) => {
  if (request.method === "POST" && request.path === "/api/user/mfa/challenges") {
    return Effect.succeed({ status: 201, body: challenge("PENDING") })
  }
  if (request.method === "GET" && request.path === "/api/user/mfa/challenges/challenge-1") {
    return Ref.updateAndGet(polls, (n) => n + 1).pipe(Effect.flatMap((n) => pollReply(n, request)))
  }
  if (request.method === "POST" && request.path === "/api/user/mfa/challenges/challenge-1/token") {
    return Effect.succeed(tokenReply)
  }
  return Effect.succeed({ status: 404, body: { error: "not_found" } })
}

/**
 * `mfaHandler` whose token exchange signals `started` and replies once
 * `release` completes. The first poll returns VERIFIED.
 */
const heldExchange = (polls: Ref.Ref<number>, started: Deferred.Deferred<void>, release: Deferred.Deferred<void>): Handler => {
  const handler = mfaHandler(polls, () => Effect.succeed({ body: challenge("VERIFIED") }))
  return (request) =>
    request.path.endsWith("/token")
      ? Deferred.succeed(started, undefined).pipe(Effect.zipRight(Deferred.await(release)), Effect.zipRight(handler(request)))
      : handler(request)
}

const pendingThen = (status: string, afterPolls: number) => (poll: number) =>
  Effect.succeed({ body: challenge(poll >= afterPolls ? status : "PENDING") })

const paths = (requests: ReadonlyArray<RecordedRequest>) => requests.map((request) => `${request.method} ${request.path}`)

describe("Mfa.confirmedToken", () => {
  it.effect("approved: stores the confirmed tokens", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const { client, requests } = yield* makeRecordingClient(mfaHandler(polls, pendingThen("VERIFIED", 3)))

      yield* Effect.gen(function*() {
        const mfa = yield* Mfa
        const auth = yield* Auth
        const fiber = yield* Effect.fork(mfa.confirmedToken())

        yield* TestClock.adjust("3 seconds")
        expect(yield* Ref.get(polls)).toBe(1)
        yield* TestClock.adjust("3 seconds")
        expect(yield* Ref.get(polls)).toBe(2)
        yield* TestClock.adjust("3 seconds")
        const token = yield* Fiber.join(fiber)

        expect(yield* Ref.get(polls)).toBe(3)
        expect(token.confirmed).toBe(true)
        expect(Redacted.value(token.accessToken)).toBe("confirmed-access")
        expect(Redacted.value(Option.getOrThrow(token.refreshToken))).toBe("confirmed-refresh")
        expect(token.scope).toEqual(["transactions", "offline"])

        const stored = Option.getOrThrow(yield* auth.token)
        expect(Redacted.value(stored.accessToken)).toBe("confirmed-access")
        expect(Redacted.value(Option.getOrThrow(stored.refreshToken))).toBe("confirmed-refresh")
        expect(stored.confirmed).toBe(true)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))

      const sent = yield* Ref.get(requests)
      expect(paths(sent)).toEqual([
        "POST /api/user/mfa/challenges",
        "GET /api/user/mfa/challenges/challenge-1",
        "GET /api/user/mfa/challenges/challenge-1",
        "GET /api/user/mfa/challenges/challenge-1",
        "POST /api/user/mfa/challenges/challenge-1/token"
      ])
      for (const request of sent) {
        expect(request.headers["authorization"]).toBe("Bearer access-1")
        expect(request.headers["accept"]).toBe("application/json")
        expect(request.headers["traceparent"]).toBeUndefined()
        expect(request.headers["b3"]).toBeUndefined()
      }
    }))

  it.effect("approved without refresh_token drops the old one", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const { client } = yield* makeRecordingClient(
        mfaHandler(polls, pendingThen("VERIFIED", 1), { status: 201, body: { token: "confirmed-access" } })
      )

      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork((yield* Mfa).confirmedToken())
        yield* TestClock.adjust("3 seconds")
        const token = yield* Fiber.join(fiber)

        expect(token.confirmed).toBe(true)
        expect(Option.isNone(token.refreshToken)).toBe(true)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))
    }))

  it.effect("denied fails with ChallengeDenied", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const { client, requests } = yield* makeRecordingClient(mfaHandler(polls, pendingThen("DENIED", 2)))

      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork((yield* Mfa).confirmedToken())
        yield* TestClock.adjust("3 seconds")
        yield* TestClock.adjust("3 seconds")
        const error = yield* Effect.flip(Fiber.join(fiber))

        assertTag(error, "ChallengeDenied")
        expect(error.challengeId).toBe("challenge-1")
        const stored = Option.getOrThrow(yield* (yield* Auth).token)
        expect(stored.confirmed).toBe(false)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))

      expect(paths(yield* Ref.get(requests))).not.toContain("POST /api/user/mfa/challenges/challenge-1/token")
    }))

  it.effect("expired fails with ChallengeExpired", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const { client } = yield* makeRecordingClient(
        mfaHandler(polls, () => Effect.succeed({ body: challenge("PENDING", 10_000) }))
      )

      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork((yield* Mfa).confirmedToken())
        for (let i = 0; i < 3; i++) yield* TestClock.adjust("3 seconds")
        expect(fiber.unsafePoll()).toBeNull()

        yield* TestClock.adjust("3 seconds")
        const error = yield* Effect.flip(Fiber.join(fiber))

        assertTag(error, "ChallengeExpired")
        expect(error.expiresAt).toBe("1970-01-01T00:00:10.000Z")
        expect(yield* Ref.get(polls)).toBe(4)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))
    }))

  it.effect("cancel between polls fails the wait", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const { client } = yield* makeRecordingClient(mfaHandler(polls, pendingThen("VERIFIED", 100)))

      yield* Effect.gen(function*() {
        const mfa = yield* Mfa
        const fiber = yield* Effect.fork(mfa.confirmedToken())
        yield* TestClock.adjust("3 seconds")
        yield* mfa.cancel
        const error = yield* Effect.flip(Fiber.join(fiber))

        expect(error._tag).toBe("MFAConfirmationCanceled")
        yield* TestClock.adjust("30 seconds")
        expect(yield* Ref.get(polls)).toBe(1)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))
    }))

  it.effect("cancel interrupts a poll in flight", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const pollStarted = yield* Deferred.make<void>()
      const pollInterrupted = yield* Ref.make(false)
      const { client } = yield* makeRecordingClient(mfaHandler(polls, () =>
        Deferred.succeed(pollStarted, undefined).pipe(
          Effect.zipRight(Effect.never),
          Effect.onInterrupt(() => Ref.set(pollInterrupted, true))
        )))

      yield* Effect.gen(function*() {
        const mfa = yield* Mfa
        const fiber = yield* Effect.fork(mfa.confirmedToken())
        yield* TestClock.adjust("3 seconds")
        yield* Deferred.await(pollStarted)

        yield* mfa.cancel
        const error = yield* Effect.flip(Fiber.join(fiber))

        expect(error._tag).toBe("MFAConfirmationCanceled")
        expect(yield* Ref.get(pollInterrupted)).toBe(true)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))
    }))

  it.effect("cancel during the exchange keeps the token", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const { client } = yield* makeRecordingClient(heldExchange(polls, started, release))

      yield* Effect.gen(function*() {
        const mfa = yield* Mfa
        const fiber = yield* Effect.fork(mfa.confirmedToken())
        yield* TestClock.adjust("3 seconds")
        yield* Deferred.await(started)

        yield* mfa.cancel
        yield* Deferred.succeed(release, undefined)
        const token = yield* Fiber.join(fiber)

        expect(token.confirmed).toBe(true)
        expect(Redacted.value(token.accessToken)).toBe("confirmed-access")
        const stored = Option.getOrThrow(yield* (yield* Auth).token)
        expect(Redacted.value(stored.accessToken)).toBe("confirmed-access")
        expect(stored.confirmed).toBe(true)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))
    }))

  it.effect("interruption during the exchange keeps the token", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const { client } = yield* makeRecordingClient(heldExchange(polls, started, release))

      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork((yield* Mfa).confirmedToken())
        yield* TestClock.adjust("3 seconds")
        yield* Deferred.await(started)

        const interrupter = yield* Effect.fork(Fiber.interrupt(fiber))
        yield* Effect.yieldNow()
        yield* Deferred.succeed(release, undefined)
        const exit = yield* Fiber.join(interrupter)

        expect(Exit.isInterrupted(exit)).toBe(true)
        const stored = Option.getOrThrow(yield* (yield* Auth).token)
        expect(Redacted.value(stored.accessToken)).toBe("confirmed-access")
        expect(Redacted.value(Option.getOrThrow(stored.refreshToken))).toBe("confirmed-refresh")
        expect(stored.confirmed).toBe(true)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))
    }))

  it.effect("cancel without a wait does nothing", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const { client } = yield* makeRecordingClient(mfaHandler(polls, pendingThen("VERIFIED", 1)))

      yield* Effect.gen(function*() {
        const mfa = yield* Mfa
        yield* mfa.cancel
        const fiber = yield* Effect.fork(mfa.confirmedToken())
        yield* TestClock.adjust("3 seconds")
        const token = yield* Fiber.join(fiber)
        expect(token.confirmed).toBe(true)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))
    }))

  it.effect("poll interval per call", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const { client } = yield* makeRecordingClient(mfaHandler(polls, pendingThen("VERIFIED", 3)))

      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork((yield* Mfa).confirmedToken({ pollInterval: "1 second" }))
        yield* TestClock.adjust("1 second")
        expect(yield* Ref.get(polls)).toBe(1)
        yield* TestClock.adjust("1 second")
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(fiber)
        expect(yield* Ref.get(polls)).toBe(3)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))
    }))

  it.effect("poll interval from the layer", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const { client } = yield* makeRecordingClient(mfaHandler(polls, pendingThen("VERIFIED", 1)))

      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork((yield* Mfa).confirmedToken())
        yield* TestClock.adjust("3 seconds")
        expect(yield* Ref.get(polls)).toBe(0)
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(fiber)
        expect(yield* Ref.get(polls)).toBe(1)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}), mfa: { pollInterval: "5 seconds" } })))
    }))

  it.effect("without a token fails with Unauthorized", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      const { client, requests } = yield* makeRecordingClient(mfaHandler(polls, pendingThen("VERIFIED", 1)))

      const error = yield* Effect.flip(Effect.flatMap(Mfa, (mfa) => mfa.confirmedToken())).pipe(
        Effect.provide(serviceLayer(client))
      )
      assertTag(error, "Unauthorized")
      expect(error.reason).toBe("NoToken")
      expect(yield* Ref.get(requests)).toHaveLength(0)
    }))
})
