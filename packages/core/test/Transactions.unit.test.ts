import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import * as Transactions from "../src/Transactions.js"
import { type GraphQLHandler, makeRecordingGraphQL, noRequests } from "./utils/RecordingGraphQL.js"

const node = (id: string, amount: number) => ({
  id,
  amount,
  name: "Muster GmbH",
  iban: "DE89370400440532013000",
  purpose: `Rechnung ${id}`,
  description: null,
  type: "SEPA_CREDIT_TRANSFER",
  source: "SOLARIS",
  paymentMethod: "bank_account",
  bookingDate: "2024-05-01T10:00:00.000Z",
  valutaDate: null,
  createdAt: "2024-05-01T10:00:00.000Z",
  category: null,
  vatRate: null,
  e2eId: null,
  personalNote: null,
  foreignCurrency: null,
  originalAmount: null
})

const pageData = (
  nodes: ReadonlyArray<ReturnType<typeof node>>,
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
) => ({
  viewer: {
    mainAccount: {
      transactions: {
        edges: nodes.map((item) => ({ node: item })),
        pageInfo: { hasPreviousPage: false, startCursor: null, ...pageInfo }
      }
    }
  }
})

/** Returns the given pages in order, one per call. */
const pages = (...responses: ReadonlyArray<unknown>): GraphQLHandler => (_call, index) =>
  index < responses.length ? Effect.succeed(responses[index]) : Effect.dieMessage(`no page ${index}`)

const run = <A, E>(handler: GraphQLHandler, use: (service: Transactions.Service) => Effect.Effect<A, E>) => {
  const graphql = makeRecordingGraphQL(handler)
  return Effect.gen(function*() {
    const service = yield* Transactions.Transactions
    const result = yield* use(service)
    return { result, calls: graphql.calls }
  }).pipe(Effect.provide(Transactions.layer), Effect.provide(graphql.layer))
}

describe("Transactions.stream with a recording GraphQL service", () => {
  it.effect("continues past an empty page", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        pages(
          pageData([node("1", 100), node("2", -50)], { hasNextPage: true, endCursor: "c2" }),
          pageData([], { hasNextPage: true, endCursor: "c2-empty" }),
          pageData([node("3", 7)], { hasNextPage: false, endCursor: "c3" })
        ),
        (service) => Stream.runCollect(service.stream({ pageSize: 2 }))
      )
      expect(Chunk.toReadonlyArray(result).map((transaction) => transaction.id)).toEqual(["1", "2", "3"])
      expect(calls.map((call) => call.variables?.["after"])).toEqual([undefined, "c2", "c2-empty"])
      expect(calls.every((call) => call.variables?.["first"] === 2)).toBe(true)
    }))

  it.effect("stops when hasNextPage is false", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        pages(pageData([node("1", 100)], { hasNextPage: false, endCursor: "c1" })),
        (service) => Stream.runCollect(service.stream())
      )
      expect(Chunk.size(result)).toBe(1)
      expect(calls).toHaveLength(1)
      expect(calls[0]?.variables?.["first"]).toBe(50)
    }))

  it.effect("fails without a new cursor", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(
        run(
          pages(pageData([node("1", 1)], { hasNextPage: true, endCursor: null })),
          (service) => Stream.runDrain(service.stream())
        )
      )
      expect(missing._tag).toBe("ResponseError")
      expect(missing.message).toContain("no endCursor")

      const repeated = yield* Effect.flip(
        run(
          pages(
            pageData([node("1", 1)], { hasNextPage: true, endCursor: "c1" }),
            pageData([], { hasNextPage: true, endCursor: "c1" })
          ),
          (service) => Stream.runDrain(service.stream())
        )
      )
      expect(repeated.message).toContain("same endCursor")
    }))

  it.effect("starts after the given cursor", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        pages(
          pageData([node("3", 3)], { hasNextPage: true, endCursor: "c3" }),
          pageData([node("4", 4)], { hasNextPage: false, endCursor: "c4" })
        ),
        (service) => Stream.runCollect(service.stream({ after: "c2", pageSize: 1 }))
      )
      expect(Chunk.toReadonlyArray(result).map((transaction) => transaction.id)).toEqual(["3", "4"])
      expect(calls.map((call) => call.variables?.["after"])).toEqual(["c2", "c3"])
    }))

  it.effect("fails when the first page repeats the start cursor", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        run(
          pages(pageData([node("3", 3)], { hasNextPage: true, endCursor: "c2" })),
          (service) => Stream.runDrain(service.stream({ after: "c2" }))
        )
      )
      expect(error._tag).toBe("ResponseError")
      expect(error.message).toContain("same endCursor")
    }))

  it.effect("fetches one page for the first 3 items", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        pages(
          pageData([node("1", 1), node("2", 2), node("3", 3), node("4", 4)], { hasNextPage: true, endCursor: "c4" }),
          pageData([node("5", 5)], { hasNextPage: false, endCursor: "c5" })
        ),
        (service) => Stream.runCollect(Stream.take(service.stream({ pageSize: 4 }), 3))
      )
      expect(Chunk.size(result)).toBe(3)
      expect(calls).toHaveLength(1)
    }))

  it.effect("maps friendly options onto TransactionFilter", () =>
    Effect.gen(function*() {
      const { calls } = yield* run(
        pages(pageData([], { hasNextPage: false, endCursor: null })),
        (service) =>
          Stream.runDrain(service.stream({
            bookedFrom: "2024-01-01T00:00:00Z",
            bookedBefore: new Date("2024-02-01T00:00:00Z"),
            minAmount: -10_000,
            maxAmount: 5_000,
            iban: "de89 3704 0044 0532 0130 00",
            search: " Miete "
          }))
      )
      expect(calls[0]?.variables?.["filter"]).toEqual({
        bookingDate_gte: "2024-01-01T00:00:00.000Z",
        bookingDate_lt: "2024-02-01T00:00:00.000Z",
        amount_gte: -10_000,
        amount_lte: 5_000,
        iban_eq: "DE89370400440532013000",
        conditions: [{ operator: "OR", name_like: "Miete", purpose_like: "Miete" }]
      })
    }))

  it.effect("sends a raw filter unchanged", () =>
    Effect.gen(function*() {
      const filter: Transactions.TransactionFilter = {
        operator: "OR",
        amount_in: [100, -100],
        conditions: [{ name_likeAny: ["a", "b"] }]
      }
      const { calls } = yield* run(
        pages(pageData([], { hasNextPage: false, endCursor: null })),
        (service) => Stream.runDrain(service.stream({ filter }))
      )
      expect(calls[0]?.variables?.["filter"]).toEqual(filter)
    }))
})

describe("Transactions argument checks", () => {
  const invalid = (use: (service: Transactions.Service) => Effect.Effect<unknown, unknown>) =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(noRequests, (service) => Effect.flip(use(service)))
      expect(calls).toHaveLength(0)
      return result as { readonly _tag: string; readonly field: string; readonly reason: string }
    })

  it.effect("rejects page sizes outside 1 to 50", () =>
    Effect.gen(function*() {
      for (const first of [0, 51, 2.5, -1]) {
        const error = yield* invalid((service) => service.page({ first }))
        expect(error._tag).toBe("InvalidInput")
        expect(error.field).toBe("first")
        expect(error.reason).toContain(String(first))
      }
      const last = yield* invalid((service) => service.page({ last: 100 }))
      expect(last.field).toBe("last")
      const pageSize = yield* invalid((service) => Stream.runDrain(service.stream({ pageSize: 0 })))
      expect(pageSize.field).toBe("pageSize")
    }))

  it.effect("rejects first combined with last", () =>
    Effect.gen(function*() {
      const error = yield* invalid((service) => service.page({ first: 10, last: 10 }))
      expect(error.reason).toContain("cannot be combined")
    }))

  it.effect("rejects an empty start cursor", () =>
    Effect.gen(function*() {
      const error = yield* invalid((service) => Stream.runDrain(service.stream({ after: "" })))
      expect(error._tag).toBe("InvalidInput")
      expect(error.field).toBe("after")
    }))

  it.effect("rejects a raw filter combined with options", () =>
    Effect.gen(function*() {
      const error = yield* invalid((service) => Stream.runDrain(service.stream({ filter: {}, minAmount: 1 })))
      expect(error.field).toBe("filter")
    }))

  it.effect("rejects invalid ranges, dates, amounts and IBANs", () =>
    Effect.gen(function*() {
      const dates = yield* invalid((service) =>
        Stream.runDrain(service.stream({ bookedFrom: "2024-02-01T00:00:00Z", bookedBefore: "2024-01-01T00:00:00Z" }))
      )
      expect(dates.field).toBe("bookedBefore")
      const notADate = yield* invalid((service) => Stream.runDrain(service.stream({ bookedFrom: "yesterday" })))
      expect(notADate.reason).toContain("\"yesterday\"")
      const amounts = yield* invalid((service) => Stream.runDrain(service.stream({ minAmount: 500, maxAmount: 100 })))
      expect(amounts.field).toBe("maxAmount")
      const float = yield* invalid((service) => Stream.runDrain(service.stream({ minAmount: 19.99 })))
      expect(float.reason).toContain("1999")
      const iban = yield* invalid((service) => Stream.runDrain(service.stream({ iban: "DE00 1234" })))
      expect(iban.field).toBe("iban")
      const search = yield* invalid((service) => Stream.runDrain(service.stream({ search: "  " })))
      expect(search.field).toBe("search")
    }))
})

describe("Transactions.page and get", () => {
  it.effect("returns items and pageInfo", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        pages(pageData([node("1", 100)], { hasNextPage: true, endCursor: "c1" })),
        (service) => service.page({ first: 1, after: "c0" })
      )
      expect(result.items.map((item) => item.id)).toEqual(["1"])
      expect(result.items[0]).toBeInstanceOf(Transactions.Transaction)
      expect(result.pageInfo.endCursor).toBe("c1")
      expect(calls[0]?.variables).toMatchObject({ first: 1, after: "c0" })
    }))

  it.effect("fails with NotFound without a main account", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        pages({ viewer: { mainAccount: null } }),
        (service) => Effect.flip(service.page())
      )
      expect(result._tag).toBe("NotFound")
    }))

  it.effect("returns None for an unknown id", () =>
    Effect.gen(function*() {
      const { calls, result } = yield* run(
        pages({ viewer: { mainAccount: { transaction: null } } }, { viewer: { mainAccount: { transaction: node("7", 7) } } }),
        (service) => Effect.all([service.get("missing"), service.get("7")])
      )
      expect(Option.isNone(result[0])).toBe(true)
      expect(Option.getOrThrow(result[1]).amount).toBe(7)
      expect(calls[0]?.variables).toEqual({ id: "missing" })
    }))
})
