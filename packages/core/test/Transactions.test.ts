import { describe, expect, layer } from "@effect/vitest"
import { Sandbox } from "@kontist/sandbox"
import { Chunk, Effect, Option, Stream } from "effect"
import { Transactions } from "../src/Transactions.js"
import * as SandboxKontist from "./utils/SandboxKontist.js"

const collectAll = Effect.gen(function*() {
  const transactions = yield* Transactions
  return Chunk.toReadonlyArray(yield* Stream.runCollect(transactions.stream()))
})

describe("Transactions against the sandbox", () => {
  layer(SandboxKontist.layer({ transactions: 400 }), { timeout: 60_000, excludeTestServices: true })("400 transactions", (it) => {
    for (const pageSize of [1, 7, 50]) {
      it.effect(`page size ${pageSize} yields the data set`, () =>
        Effect.gen(function*() {
          yield* SandboxKontist.login
          const sandbox = yield* Sandbox
          const transactions = yield* Transactions
          const expected = sandbox.dataset()
          sandbox.clearRequests()

          const seen = new Set<string>()
          const sum = yield* transactions.stream({ pageSize }).pipe(
            Stream.tap((transaction) => Effect.sync(() => seen.add(transaction.id))),
            Stream.runFold(0, (total, transaction) => total + transaction.amount)
          )

          expect(seen.size).toBe(expected.count)
          expect(sum).toBe(expected.sumCents)
          const requests = yield* SandboxKontist.graphqlRequests
          expect(requests.length).toBe(Math.ceil(expected.count / pageSize))
        }))
    }

    it.effect("take 3 fetches one page", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const sandbox = yield* Sandbox
        const transactions = yield* Transactions
        sandbox.clearRequests()

        const firstThree = yield* Stream.runCollect(Stream.take(transactions.stream({ pageSize: 50 }), 3))

        expect(Chunk.size(firstThree)).toBe(3)
        const requests = yield* SandboxKontist.graphqlRequests
        expect(requests).toHaveLength(1)
        expect(requests[0]?.operationName).toBe("TransactionsPage")
      }))

    it.effect("stream returns newest first", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const all = yield* collectAll
        const times = all.map((transaction) => transaction.bookingDate.epochMillis)
        expect(times).toEqual([...times].sort((a, b) => b - a))
      }))

    it.effect("filters by amount range", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const transactions = yield* Transactions
        const all = yield* collectAll

        const incoming = yield* Stream.runCollect(transactions.stream({ minAmount: 1 }))
        expect(Chunk.size(incoming)).toBe(all.filter((transaction) => transaction.amount >= 1).length)

        const band = yield* Stream.runCollect(transactions.stream({ minAmount: -5_000, maxAmount: 5_000 }))
        const expected = all.filter((transaction) => transaction.amount >= -5_000 && transaction.amount <= 5_000)
        expect(Chunk.toReadonlyArray(band).map((transaction) => transaction.id)).toEqual(
          expected.map((transaction) => transaction.id)
        )
      }))

    it.effect("filters by booking date range", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const transactions = yield* Transactions
        const all = yield* collectAll
        const middle = all[Math.floor(all.length / 2)]!.bookingDate
        const later = all[Math.floor(all.length / 4)]!.bookingDate

        const range = yield* Stream.runCollect(transactions.stream({ bookedFrom: middle, bookedBefore: later }))
        const expected = all.filter((transaction) =>
          transaction.bookingDate.epochMillis >= middle.epochMillis &&
          transaction.bookingDate.epochMillis < later.epochMillis
        )
        expect(expected.length).toBeGreaterThan(0)
        expect(Chunk.size(range)).toBe(expected.length)
      }))

    it.effect("filters by IBAN and text", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const transactions = yield* Transactions
        const all = yield* collectAll
        const sample = all.find((transaction) => transaction.iban !== undefined && transaction.purpose !== undefined)!

        const byIban = yield* Stream.runCollect(transactions.stream({ iban: sample.iban!.toLowerCase() }))
        expect(Chunk.size(byIban)).toBe(all.filter((transaction) => transaction.iban === sample.iban).length)

        const word = sample.name!.split(" ")[0]!
        const needle = word.toLowerCase()
        const bySearch = yield* Stream.runCollect(transactions.stream({ search: word }))
        const expected = all.filter((transaction) =>
          (transaction.name ?? "").toLowerCase().includes(needle) ||
          (transaction.purpose ?? "").toLowerCase().includes(needle)
        )
        expect(Chunk.size(bySearch)).toBe(expected.length)
      }))

    it.effect("accepts a raw TransactionFilter", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const transactions = yield* Transactions
        const all = yield* collectAll

        const large = yield* Stream.runCollect(
          transactions.stream({ filter: { operator: "OR", amount_lt: -50_000, amount_gt: 50_000 } })
        )
        expect(Chunk.size(large)).toBe(
          all.filter((transaction) => transaction.amount < -50_000 || transaction.amount > 50_000).length
        )
      }))

    it.effect("page follows cursors", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const transactions = yield* Transactions
        const first = yield* transactions.page({ first: 5 })
        expect(first.items).toHaveLength(5)
        expect(first.pageInfo.hasNextPage).toBe(true)

        const second = yield* transactions.page({ first: 5, after: first.pageInfo.endCursor })
        const all = yield* collectAll
        expect(second.items.map((item) => item.id)).toEqual(all.slice(5, 10).map((item) => item.id))

        const back = yield* transactions.page({ last: 5, before: second.pageInfo.startCursor })
        expect(back.items.map((item) => item.id)).toEqual(first.items.map((item) => item.id))
      }))

    it.effect("stream continues after a cursor", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const transactions = yield* Transactions
        const first = yield* transactions.page({ first: 5 })
        const all = yield* collectAll

        const rest = yield* Stream.runCollect(transactions.stream({ after: first.pageInfo.endCursor, pageSize: 7 }))

        expect(Chunk.toReadonlyArray(rest).map((item) => item.id)).toEqual(all.slice(5).map((item) => item.id))
      }))

    it.effect("get finds a transaction by id", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const transactions = yield* Transactions
        const [sample] = (yield* transactions.page({ first: 1 })).items
        const found = yield* transactions.get(sample!.id)
        expect(Option.getOrThrow(found)).toEqual(sample)
        expect(Option.isNone(yield* transactions.get("no-such-transaction"))).toBe(true)
      }))

    it.effect("page size 51 sends nothing", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const sandbox = yield* Sandbox
        const transactions = yield* Transactions
        sandbox.clearRequests()

        const error = yield* Effect.flip(transactions.page({ first: 51 }))

        expect(error._tag).toBe("InvalidInput")
        expect(yield* SandboxKontist.graphqlRequests).toHaveLength(0)
      }))
  })

  layer(SandboxKontist.layer(), { timeout: 60_000, excludeTestServices: true })("the default data set", (it) => {
    it.effect("stream yields every transaction", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const sandbox = yield* Sandbox
        const transactions = yield* Transactions
        const expected = sandbox.dataset()

        const { count, sum } = yield* Stream.runFold(
          transactions.stream(),
          { count: 0, sum: 0 },
          (totals, transaction) => ({ count: totals.count + 1, sum: totals.sum + transaction.amount })
        )

        expect(expected.count).toBe(5_000)
        expect(count).toBe(expected.count)
        expect(sum).toBe(expected.sumCents)
      }))
  })
})
