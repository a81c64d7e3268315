import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, TestClock } from "effect"
import { GraphQLError, type InvalidInput, ResponseError } from "../src/KontistError.js"
import * as Transfers from "../src/Transfers.js"
import { type GraphQLHandler, makeRecordingGraphQL, noRequests } from "./utils/RecordingGraphQL.js"

const valid: Transfers.TransferInput = {
  recipient: "Jürgen Groß GmbH",
  iban: "DE89 3704 0044 0532 0130 00",
  amount: 1999,
  purpose: "Rechnung 2024-17 (Miete) / Mai: +Nebenkosten, 'bar'?"
}

const transferData = (status: string) => ({
  id: "transfer-1",
  recipient: "Jürgen Groß GmbH",
  iban: "DE89370400440532013000",
  amount: 1999,
  status,
  executeAt: null,
  lastExecutionDate: null,
  purpose: "Rechnung",
  personalNote: null,
  e2eId: null,
  reoccurrence: null,
  nextOccurrence: null,
  category: null
})

const run = <A, E>(handler: GraphQLHandler, use: (service: Transfers.Service) => Effect.Effect<A, E>) => {
  const graphql = makeRecordingGraphQL(handler)
  return Effect.gen(function*() {
    const service = yield* Transfers.Transfers
    const result = yield* use(service)
    return { result, calls: graphql.calls }
  }).pipe(Effect.provide(Transfers.layer), Effect.provide(graphql.layer))
}

/** Runs `use`, expects `InvalidInput` and checks that nothing was sent. */
const rejected = (use: (service: Transfers.Service) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    const { calls, result } = yield* run(noRequests, (service) => Effect.flip(use(service)))
    expect(calls).toHaveLength(0)
    const error = result as InvalidInput
    expect(error._tag).toBe("InvalidInput")
    return error
  })

describe("Transfers.createOne checks before sending", () => {
  it.effect("rejects an invalid IBAN", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) => service.createOne({ ...valid, iban: "DE89 3704 0044 0532 0130 01" }))
      expect(error.field).toBe("transfer.iban")
      expect(error.reason).toContain("checksum")
    }))

  it.effect("rejects 19.99 as a float amount", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) => service.createOne({ ...valid, amount: 19.99 }))
      expect(error.field).toBe("transfer.amount")
      expect(error.reason).toContain("1999")
      expect(error.reason).not.toContain("1998")
    }))

  it.effect("rejects zero and negative amounts", () =>
    Effect.gen(function*() {
      expect((yield* rejected((service) => service.createOne({ ...valid, amount: 0 }))).field).toBe("transfer.amount")
      expect((yield* rejected((service) => service.createOne({ ...valid, amount: -1999 }))).reason).toContain("negative")
      expect((yield* rejected((service) => service.createOne({ ...valid, amount: 2 ** 31 }))).reason).toContain(
        "2147483647"
      )
    }))

  it.effect("rejects texts over the SEPA lengths", () =>
    Effect.gen(function*() {
      const purpose = yield* rejected((service) => service.createOne({ ...valid, purpose: "x".repeat(141) }))
      expect(purpose.field).toBe("transfer.purpose")
      expect(purpose.reason).toContain("141 characters")
      expect(purpose.reason).toContain("at most 140")

      const recipient = yield* rejected((service) => service.createOne({ ...valid, recipient: "y".repeat(71) }))
      expect(recipient.field).toBe("transfer.recipient")

      const note = yield* rejected((service) => service.createOne({ ...valid, personalNote: "z".repeat(251) }))
      expect(note.field).toBe("transfer.personalNote")

      const e2eId = yield* rejected((service) => service.createOne({ ...valid, e2eId: "e".repeat(36) }))
      expect(e2eId.field).toBe("transfer.e2eId")
    }))

  it.effect("accepts the limits exactly", () =>
    Effect.gen(function*() {
      const { calls } = yield* run(
        () => Effect.succeed({ createTransfer: { confirmationId: "c-1", stringToSign: null } }),
        (service) =>
          service.createOne({
            ...valid,
            recipient: "ä".repeat(70),
            purpose: "ß".repeat(140),
            personalNote: "€".repeat(250),
            e2eId: "E".repeat(35)
          })
      )
      expect(calls).toHaveLength(1)
    }))

  it.effect("rejects characters outside the SEPA set", () =>
    Effect.gen(function*() {
      const recipient = yield* rejected((service) => service.createOne({ ...valid, recipient: "Café & Co" }))
      expect(recipient.field).toBe("transfer.recipient")
      expect(recipient.reason).toContain(`"é"`)
      expect(recipient.reason).toContain(`"&"`)

      const purpose = yield* rejected((service) => service.createOne({ ...valid, purpose: "Rechnung #12" }))
      expect(purpose.reason).toContain(`"#"`)

      const e2eId = yield* rejected((service) => service.createOne({ ...valid, e2eId: "/ref-1" }))
      expect(e2eId.reason).toContain("//")
    }))

  it.effect("rejects an empty recipient", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) => service.createOne({ ...valid, recipient: "  " }))
      expect(error.field).toBe("transfer.recipient")
      expect(error.reason).toContain("empty")
    }))

  it.effect("rejects executeAt in the past", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2030-01-01T00:00:00Z"))
      const error = yield* rejected((service) => service.createOne({ ...valid, executeAt: "2029-12-31T00:00:00Z" }))
      expect(error.field).toBe("transfer.executeAt")
      expect(error.reason).toContain("not in the future")
    }))

  it.effect("rejects an unparseable executeAt", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) => service.createOne({ ...valid, executeAt: "next monday" }))
      expect(error.reason).toContain("\"next monday\"")
    }))

  it.effect("rejects reoccurrence without executeAt", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) => service.createOne({ ...valid, reoccurrence: "MONTHLY" }))
      expect(error.field).toBe("transfer.executeAt")
    }))

  it.effect("rejects lastExecutionDate without reoccurrence", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) =>
        service.createOne({ ...valid, executeAt: "2030-01-01T00:00:00Z", lastExecutionDate: "2031-01-01T00:00:00Z" })
      )
      expect(error.field).toBe("transfer.lastExecutionDate")
    }))

  it.effect("rejects lastExecutionDate before executeAt", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) =>
        service.createOne({
          ...valid,
          executeAt: "2030-06-01T00:00:00Z",
          reoccurrence: "MONTHLY",
          lastExecutionDate: "2030-05-01T00:00:00Z"
        })
      )
      expect(error.field).toBe("transfer.lastExecutionDate")
      expect(error.reason).toContain("not after executeAt")
    }))

  it.effect("rejects an unknown reoccurrence", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) =>
        service.createOne({
          ...valid,
          executeAt: "2030-06-01T00:00:00Z",
          reoccurrence: "DAILY" as Transfers.StandingOrderReoccurrence
        })
      )
      expect(error.field).toBe("transfer.reoccurrence")
    }))
})

describe("Transfers requests", () => {
  it.effect("sends a standing order with ISO dates", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        () => Effect.succeed({ createTransfer: { confirmationId: "c-1", stringToSign: null } }),
        (service) =>
          service.createOne({
            ...valid,
            executeAt: new Date("2030-06-01T00:00:00Z"),
            reoccurrence: "MONTHLY",
            lastExecutionDate: "2031-06-01T00:00:00Z"
          })
      )
      expect(result.confirmationId).toBe("c-1")
      expect(result.stringToSign).toBeUndefined()
      expect(calls[0]?.document).toContain("createTransfer")
      expect(calls[0]?.variables).toEqual({
        transfer: {
          recipient: "Jürgen Groß GmbH",
          iban: "DE89370400440532013000",
          amount: 1999,
          purpose: valid.purpose,
          executeAt: "2030-06-01T00:00:00.000Z",
          reoccurrence: "MONTHLY",
          lastExecutionDate: "2031-06-01T00:00:00.000Z"
        }
      })
    }))

  it.effect("sends the SMS code without spaces", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        () => Effect.succeed({ confirmTransfer: transferData("CONFIRMED") }),
        (service) => service.confirmOne("c-1", Redacted.make("123 456"))
      )
      expect(result).toBeInstanceOf(Transfers.Transfer)
      expect(result.status).toBe("CONFIRMED")
      expect(calls[0]?.variables).toEqual({ confirmationId: "c-1", authorizationToken: "123456" })
    }))

  it.effect("explains a wrong SMS code", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        () =>
          Effect.fail(
            new GraphQLError({
              description: "Invalid authorization token",
              path: ["confirmTransfer"],
              status: 400,
              type: "INVALID_AUTHORIZATION_TOKEN",
              operation: "ConfirmTransfer"
            })
          ),
        (service) => Effect.flip(service.confirmOne("c-1", "000000"))
      )
      expect(result._tag).toBe("GraphQLError")
      const error = result as GraphQLError
      expect(error.type).toBe("INVALID_AUTHORIZATION_TOKEN")
      expect(error.message).toContain("SMS code is wrong")
      expect(error.message).not.toContain("000000")
    }))

  it.effect("rejects an empty SMS code before sending", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) => service.confirmOne("c-1", " "))
      expect(error.field).toBe("smsCode")
    }))

  it.effect("sends through authorize", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const { calls, result } = yield* run(
        (call) =>
          call.document.includes("createTransfer")
            ? Effect.succeed({ createTransfer: { confirmationId: "c-9", stringToSign: null } })
            : Effect.succeed({ confirmTransfer: transferData("CONFIRMED") }),
        (service) =>
          service.send(valid, {
            authorize: (confirmation) =>
              Effect.sync(() => {
                seen.push(confirmation.confirmationId)
                return "654321"
              })
          })
      )
      expect(seen).toEqual(["c-9"])
      expect(result.id).toBe("transfer-1")
      expect(calls.map((call) => call.variables?.["confirmationId"])).toEqual([undefined, "c-9"])
    }))

  it.effect("send never creates a transfer twice", () =>
    Effect.gen(function*() {
      const failures = [
        new ResponseError({
          reason: "Transport",
          request: "POST http://127.0.0.1:9/api/graphql",
          description: "the connection failed"
        }),
        new ResponseError({
          reason: "StatusCode",
          request: "POST http://127.0.0.1:9/api/graphql",
          status: 503,
          description: "unexpected status"
        }),
        new GraphQLError({
          description: "Invalid authorization token",
          path: ["confirmTransfer"],
          status: 400,
          type: "INVALID_AUTHORIZATION_TOKEN",
          operation: "confirmTransfer"
        })
      ]
      for (const failure of failures) {
        const { calls, result } = yield* run(
          (call) =>
            call.document.includes("createTransfer")
              ? Effect.succeed({ createTransfer: { confirmationId: "c-9", stringToSign: null } })
              : Effect.fail(failure),
          (service) => Effect.flip(service.send(valid, { authorize: () => Effect.succeed("654321") }))
        )
        expect(result._tag).toBe(failure._tag)
        expect(calls).toHaveLength(2)
        expect(calls[0]?.document).toContain("createTransfer")
        expect(calls[1]?.document).toContain("confirmTransfer")
      }
    }))

  it.effect("stops send when authorize fails", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        () => Effect.succeed({ createTransfer: { confirmationId: "c-9", stringToSign: null } }),
        (service) => Effect.flip(service.send(valid, { authorize: () => Effect.fail("user cancelled" as const) }))
      )
      expect(result).toBe("user cancelled")
      expect(calls).toHaveLength(1)
    }))
})

describe("Transfers batches", () => {
  it.effect("validates every transfer with its index", () =>
    Effect.gen(function*() {
      const error = yield* rejected((service) => service.createMany([valid, { ...valid, amount: 19.99 }]))
      expect(error.field).toBe("transfers[1].amount")
    }))

  it.effect("rejects an empty batch", () =>
    Effect.gen(function*() {
      expect((yield* rejected((service) => service.createMany([]))).field).toBe("transfers")
    }))

  it.effect("rejects order fields in a batch", () =>
    Effect.gen(function*() {
      const withDate = { ...valid, executeAt: "2030-01-01T00:00:00Z" } as Transfers.SepaTransferInput
      const error = yield* rejected((service) => service.createMany([withDate]))
      expect(error.field).toBe("transfers[0].executeAt")
    }))

  it.effect("confirms a batch", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        (call) =>
          call.document.includes("createTransfers")
            ? Effect.succeed({ createTransfers: { confirmationId: "b-1", stringToSign: null } })
            : Effect.succeed({
              confirmTransfers: {
                id: "batch-1",
                status: "ACCEPTED",
                transfers: [{ id: "t1", status: "CONFIRMED", amount: 1999, recipient: "A", iban: "DE89370400440532013000" }]
              }
            }),
        (service) =>
          Effect.gen(function*() {
            const confirmation = yield* service.createMany([valid])
            return yield* service.confirmMany(confirmation.confirmationId, "111111")
          })
      )
      expect(result.transfers[0]?.amount).toBe(1999)
      expect(calls[0]?.variables).toEqual({
        transfers: [{ recipient: valid.recipient, iban: "DE89370400440532013000", amount: 1999, purpose: valid.purpose }]
      })
    }))
})
