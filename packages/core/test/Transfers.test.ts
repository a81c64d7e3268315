import { describe, expect, layer } from "@effect/vitest"
import { Sandbox } from "@kontist/sandbox"
import { DateTime, Effect, Redacted } from "effect"
import type { GraphQLError } from "../src/KontistError.js"
import * as Transfers from "../src/Transfers.js"
import * as SandboxKontist from "./utils/SandboxKontist.js"

const recipientIban = "DE89 3704 0044 0532 0130 00"

const immediate: Transfers.TransferInput = {
  recipient: "Jürgen Groß",
  iban: recipientIban,
  amount: 1234,
  purpose: "Rechnung 2024-17"
}

/** The SMS code the sandbox sent for `confirmationId`. */
const smsCodeFor = (confirmationId: string) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox
    const message = sandbox.sms().find((sms) => sms.confirmationId === confirmationId)
    expect(message).toBeDefined()
    return Redacted.make(message!.code)
  })

/** A wrong code of the same shape as `code`. */
const wrongCode = (code: Redacted.Redacted<string>) => Redacted.value(code) === "000000" ? "111111" : "000000"

const inOneWeek = Effect.map(DateTime.now, (now) => DateTime.add(now, { days: 7 }))

describe("Transfers against the sandbox", () => {
  layer(SandboxKontist.layer({ transactions: 20 }), { timeout: 60_000, excludeTestServices: true })((it) => {
    it.effect("creates and confirms one transfer", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.loginConfirmed
        const sandbox = yield* Sandbox
        const transfers = yield* Transfers.Transfers
        const before = sandbox.dataset()

        const confirmation = yield* transfers.createOne(immediate)
        const transfer = yield* transfers.confirmOne(confirmation.confirmationId, yield* smsCodeFor(confirmation.confirmationId))

        expect(transfer.status).toBe("CONFIRMED")
        expect(transfer.amount).toBe(1234)
        expect(transfer.iban).toBe("DE89370400440532013000")
        expect(transfer.recipient).toBe("Jürgen Groß")
        const after = sandbox.dataset()
        expect(after.count).toBe(before.count + 1)
        expect(after.sumCents).toBe(before.sumCents - 1234)
      }))

    it.effect("creates and confirms many transfers", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.loginConfirmed
        const transfers = yield* Transfers.Transfers

        const confirmation = yield* transfers.createMany([
          immediate,
          { recipient: "Erika Mustermann", iban: "GB29 NWBK 6016 1331 9268 19", amount: 1, purpose: "Test" }
        ])
        const batch = yield* transfers.confirmMany(confirmation.confirmationId, yield* smsCodeFor(confirmation.confirmationId))

        expect(batch.transfers.map((transfer) => transfer.amount)).toEqual([1234, 1])
        expect(batch.transfers.map((transfer) => transfer.recipient)).toEqual(["Jürgen Groß", "Erika Mustermann"])
      }))

    it.effect("wrong SMS code gives typed error", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.loginConfirmed
        const transfers = yield* Transfers.Transfers

        const confirmation = yield* transfers.createOne(immediate)
        const code = yield* smsCodeFor(confirmation.confirmationId)
        const error = yield* Effect.flip(transfers.confirmOne(confirmation.confirmationId, wrongCode(code)))

        expect(error._tag).toBe("GraphQLError")
        expect((error as GraphQLError).type).toBe("INVALID_AUTHORIZATION_TOKEN")
        expect(error.message).toContain("SMS code is wrong")

        const transfer = yield* transfers.confirmOne(confirmation.confirmationId, code)
        expect(transfer.status).toBe("CONFIRMED")
      }))

    it.effect("wrong batch SMS code gives typed error", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.loginConfirmed
        const transfers = yield* Transfers.Transfers

        const confirmation = yield* transfers.createMany([immediate])
        const code = yield* smsCodeFor(confirmation.confirmationId)
        const error = yield* Effect.flip(transfers.confirmMany(confirmation.confirmationId, wrongCode(code)))

        expect((error as GraphQLError).type).toBe("INVALID_AUTHORIZATION_TOKEN")
      }))

    it.effect("invalid inputs fail before any request", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.loginConfirmed
        const sandbox = yield* Sandbox
        const transfers = yield* Transfers.Transfers
        sandbox.clearRequests()

        const cases: ReadonlyArray<readonly [string, Transfers.TransferInput]> = [
          ["transfer.iban", { ...immediate, iban: "DE89 3704 0044 0532 0130 01" }],
          ["transfer.amount", { ...immediate, amount: 19.99 }],
          ["transfer.amount", { ...immediate, amount: 0 }],
          ["transfer.amount", { ...immediate, amount: -1234 }],
          ["transfer.purpose", { ...immediate, purpose: "P".repeat(141) }]
        ]
        for (const [field, input] of cases) {
          const error = yield* Effect.flip(transfers.createOne(input))
          expect(error._tag).toBe("InvalidInput")
          expect((error as { field: string }).field).toBe(field)
        }
        const batchError = yield* Effect.flip(transfers.createMany([immediate, { ...immediate, amount: 19.99 }]))
        expect(batchError._tag).toBe("InvalidInput")

        expect(yield* SandboxKontist.graphqlRequests).toHaveLength(0)
      }))

    it.effect("creates a timed order", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.loginConfirmed
        const sandbox = yield* Sandbox
        const transfers = yield* Transfers.Transfers
        const executeAt = yield* inOneWeek
        const before = sandbox.dataset()

        const confirmation = yield* transfers.createOne({ ...immediate, executeAt })
        const transfer = yield* transfers.confirmOne(confirmation.confirmationId, yield* smsCodeFor(confirmation.confirmationId))

        expect(transfer.status).toBe("SCHEDULED")
        expect(transfer.executeAt?.epochMillis).toBe(executeAt.epochMillis)
        expect(sandbox.dataset().count).toBe(before.count)
      }))

    it.effect("creates a standing order", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.loginConfirmed
        const transfers = yield* Transfers.Transfers
        const executeAt = yield* inOneWeek
        const lastExecutionDate = DateTime.add(executeAt, { months: 6 })

        const confirmation = yield* transfers.createOne({ ...immediate, executeAt, reoccurrence: "MONTHLY", lastExecutionDate })
        const transfer = yield* transfers.confirmOne(confirmation.confirmationId, yield* smsCodeFor(confirmation.confirmationId))

        expect(transfer.status).toBe("ACTIVE")
        expect(transfer.reoccurrence).toBe("MONTHLY")
        expect(transfer.lastExecutionDate?.epochMillis).toBe(lastExecutionDate.epochMillis)
      }))

    it.effect("send asks authorize for the SMS code", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.loginConfirmed
        const sandbox = yield* Sandbox
        const transfers = yield* Transfers.Transfers
        const requested: Array<string> = []

        const transfer = yield* transfers.send(immediate, {
          authorize: (confirmation) =>
            Effect.sync(() => {
              requested.push(confirmation.confirmationId)
              return sandbox.sms().find((sms) => sms.confirmationId === confirmation.confirmationId)!.code
            })
        })

        expect(requested).toHaveLength(1)
        expect(transfer.status).toBe("CONFIRMED")
        const mutations = (yield* SandboxKontist.graphqlRequests).filter((request) => request.operationType === "mutation")
        expect(mutations.slice(-2).map((request) => request.operationName)).toEqual(["CreateTransfer", "ConfirmTransfer"])
      }))

    it.effect("unconfirmed token needs MFA", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const transfers = yield* Transfers.Transfers

        const error = yield* Effect.flip(transfers.createOne(immediate))

        expect(error._tag).toBe("GraphQLError")
        expect((error as GraphQLError).type).toBe("MFA_REQUIRED")
      }))
  })
})
