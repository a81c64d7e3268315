import { describe, expect, layer } from "@effect/vitest"
import { Sandbox } from "@kontist/sandbox"
import { Cause, Chunk, Effect, Exit, Fiber, Option, Queue, Redacted, Schema, Stream } from "effect"
import WebSocket from "ws"
import { Auth } from "../src/Auth.js"
import type { GraphQLError, SubscriptionError } from "../src/KontistError.js"
import { Subscriptions } from "../src/Subscriptions.js"
import { Token } from "../src/Token.js"
import type { Transaction } from "../src/Transactions.js"
import * as Transfers from "../src/Transfers.js"
import * as SandboxKontist from "./utils/SandboxKontist.js"

const sockets: SandboxKontist.OpenedSockets = []
const counterpartyIban = "DE89370400440532013000"

/** Runs `newTransactions` in the background, putting every event into a queue. */
const subscribeIntoQueue = Effect.gen(function*() {
  const subscriptions = yield* Subscriptions
  const events = yield* Queue.unbounded<Transaction>()
  const fiber = yield* subscriptions.newTransactions.pipe(
    Stream.runForEach((transaction) => Queue.offer(events, transaction)),
    Effect.fork
  )
  return { events, fiber }
})

/**
 * Injects probe transactions until one arrives, so the subscription is known
 * to be live; the sandbox sends nothing for events booked before that.
 */
const awaitLive = (events: Queue.Queue<Transaction>) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox
    for (let attempt = 0; attempt < 100; attempt++) {
      sandbox.injectTransaction({ amount: 1, name: "Probe", iban: counterpartyIban, purpose: "probe" })
      const received = yield* Queue.take(events).pipe(Effect.timeout("100 millis"), Effect.option)
      if (Option.isSome(received)) return
    }
    return yield* Effect.dieMessage("the subscription received no probe transaction")
  })

/** Takes events until one matches `predicate`. */
const takeUntil = (events: Queue.Queue<Transaction>, predicate: (transaction: Transaction) => boolean) =>
  Queue.take(events).pipe(
    Effect.repeat({ until: predicate }),
    Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("no matching transaction arrived") })
  )

/** Waits until the socket's state is CLOSED. */
const awaitClosed = (socket: WebSocket) =>
  Effect.gen(function*() {
    for (let attempt = 0; attempt < 100 && socket.readyState !== WebSocket.CLOSED; attempt++) {
      yield* Effect.sleep("20 millis")
    }
    return socket.readyState
  })

describe("Subscriptions against the sandbox", () => {
  layer(SandboxKontist.layer({ transactions: 20, sockets }), { timeout: 60_000, excludeTestServices: true })((it) => {
    it.effect("receives a confirmed transfer's booking", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.loginConfirmed
        const sandbox = yield* Sandbox
        const transfers = yield* Transfers.Transfers
        const { events, fiber } = yield* subscribeIntoQueue
        yield* awaitLive(events)

        const purpose = `Abo ${Date.now()}`
        yield* transfers.send({ recipient: "Jürgen Groß", iban: counterpartyIban, amount: 4321, purpose }, {
          authorize: (confirmation) =>
            Effect.sync(() => sandbox.sms().find((sms) => sms.confirmationId === confirmation.confirmationId)!.code)
        })
        const booked = yield* takeUntil(events, (transaction) => transaction.purpose === purpose)

        expect(booked.amount).toBe(-4321)
        expect(booked.name).toBe("Jürgen Groß")
        expect(booked.iban).toBe(counterpartyIban)

        yield* Fiber.interrupt(fiber)
        expect(yield* awaitClosed(sockets.at(-1)!)).toBe(WebSocket.CLOSED)
      }))

    it.effect("closes its socket when the stream ends", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const sandbox = yield* Sandbox
        const subscriptions = yield* Subscriptions
        const openedBefore = sockets.length

        const probes = yield* Effect.fork(
          Effect.forever(
            Effect.zipRight(
              Effect.sync(() =>
                sandbox.injectTransaction({ amount: 2, name: "Probe", iban: counterpartyIban, purpose: "probe" })
              ),
              Effect.sleep("50 millis")
            )
          )
        )
        const first = yield* Stream.runCollect(Stream.take(subscriptions.newTransactions, 1))
        yield* Fiber.interrupt(probes)

        expect(Chunk.unsafeHead(first).amount).toBe(2)
        expect(sockets.length).toBe(openedBefore + 1)
        expect(yield* awaitClosed(sockets.at(-1)!)).toBe(WebSocket.CLOSED)
      }))

    it.effect("dropped socket fails with SubscriptionError", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const sandbox = yield* Sandbox
        const { events, fiber } = yield* subscribeIntoQueue
        yield* awaitLive(events)

        sandbox.setFaults({ dropSockets: true })
        const exit = yield* Fiber.await(fiber).pipe(Effect.timeout("5 seconds"))
        sandbox.setFaults({})

        expect(Exit.isFailure(exit)).toBe(true)
        const error = Option.getOrThrow(Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none())
        expect(error._tag).toBe("SubscriptionError")
        expect((error as SubscriptionError).reason).toBe("Closed")
        expect(error.message).toContain("Subscribe again")
        expect(yield* awaitClosed(sockets.at(-1)!)).toBe(WebSocket.CLOSED)
      }))

    it.effect("invalid document fails with GraphQLError", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const subscriptions = yield* Subscriptions

        const error = yield* Effect.flip(
          Stream.runDrain(subscriptions.subscribe("subscription Broken { newTransaction { noSuchField } }", undefined, Schema.Unknown))
        ).pipe(Effect.timeout("5 seconds"))

        expect(error._tag).toBe("GraphQLError")
        expect((error as GraphQLError).operation).toBe("Broken")
        expect(error.message).toContain("noSuchField")
      }))

    it.effect("undecodable event fails with ResponseError", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const sandbox = yield* Sandbox
        const subscriptions = yield* Subscriptions
        const expectsText = Schema.Struct({ newTransaction: Schema.Struct({ amount: Schema.String }) })
        const fiber = yield* subscriptions.subscribe("subscription Amounts { newTransaction { amount } }", undefined, expectsText).pipe(
          Stream.runDrain,
          Effect.fork
        )

        for (let attempt = 0; attempt < 100 && fiber.unsafePoll() === null; attempt++) {
          sandbox.injectTransaction({ amount: 3, name: "Probe", iban: counterpartyIban, purpose: "probe" })
          yield* Effect.sleep("50 millis")
        }
        const error = yield* Effect.flip(Fiber.join(fiber))

        expect(error._tag).toBe("ResponseError")
        expect(error.message).toContain("newTransaction.amount")
      }))

    it.effect("unknown token is rejected", () =>
      Effect.gen(function*() {
        const auth = yield* Auth
        yield* auth.setToken(
          new Token({
            accessToken: Redacted.make("not-a-token"),
            refreshToken: Option.none(),
            expiresAt: Date.now() + 3_600_000,
            scope: ["subscriptions"],
            confirmed: false
          })
        )
        const subscriptions = yield* Subscriptions

        const error = yield* Effect.flip(Stream.runDrain(subscriptions.newTransactions)).pipe(Effect.timeout("5 seconds"))

        expect(error._tag).toBe("SubscriptionError")
        expect((error as SubscriptionError).reason).toBe("Rejected")
        expect((error as SubscriptionError).code).toBe(4403)
      }))

    it.effect("missing token fails with Unauthorized", () =>
      Effect.gen(function*() {
        const auth = yield* Auth
        yield* auth.logout
        const subscriptions = yield* Subscriptions

        const error = yield* Effect.flip(Stream.runDrain(subscriptions.newTransactions)).pipe(Effect.timeout("5 seconds"))

        expect(error._tag).toBe("Unauthorized")
      }))
  })
})
