import { describe, expect, it, onTestFinished } from "vitest"
import { GraphQLError, InvalidInput, type TransactionData } from "../src/node.js"
import { startCountingProxy, useSandbox, waitFor } from "./support.js"

const isIsoDate = (value: string) => !Number.isNaN(Date.parse(value)) && value.endsWith("Z")

describe("client.models.transaction", () => {
  // The default data set: 5,000 transactions.
  const { loggedInClient, sandbox } = useSandbox()

  it("fetch returns a page of plain transactions", async () => {
    const client = await loggedInClient()
    const page = await client.models.transaction.fetch()

    expect(page.items).toHaveLength(50)
    expect(page.pageInfo.hasNextPage).toBe(true)
    expect(page.pageInfo.hasPreviousPage).toBe(false)
    expect(page.previousPage).toBeUndefined()
    const [first] = page.items
    expect(Number.isInteger(first?.amount)).toBe(true)
    expect(typeof first?.bookingDate).toBe("string")
    expect(isIsoDate(first?.bookingDate ?? "")).toBe(true)
  })

  it("nextPage and previousPage follow the cursors", async () => {
    const client = await loggedInClient()
    const first = await client.models.transaction.fetch({ first: 7 })
    expect(first.items).toHaveLength(7)

    const second = await first.nextPage!()
    expect(second.items).toHaveLength(7)
    const firstIds = new Set(first.items.map((item) => item.id))
    expect(second.items.some((item) => firstIds.has(item.id))).toBe(false)

    const back = await second.previousPage!()
    expect(back.items.map((item) => item.id)).toEqual(first.items.map((item) => item.id))
  })

  it("for await visits the whole data set", async () => {
    const client = await loggedInClient()
    const expected = sandbox().dataset()

    let count = 0
    let sumCents = 0
    const ids = new Set<string>()
    for await (const transaction of client.models.transaction) {
      count += 1
      sumCents += transaction.amount
      ids.add(transaction.id)
    }

    expect(count).toBe(expected.count)
    expect(sumCents).toBe(expected.sumCents)
    expect(ids.size).toBe(expected.count)
  })

  it("fetchAll visits every match of a filter", async () => {
    const client = await loggedInClient()
    const incoming: Array<TransactionData> = []
    for await (const transaction of client.models.transaction.fetchAll({ filter: { amount_gt: 0 } })) {
      incoming.push(transaction)
    }
    let outgoingCount = 0
    let outgoingSum = 0
    for await (const transaction of client.models.transaction.fetchAll({ first: 37, filter: { amount_lte: 0 } })) {
      outgoingCount += 1
      outgoingSum += transaction.amount
    }

    expect(incoming.every((transaction) => transaction.amount > 0)).toBe(true)
    const expected = sandbox().dataset()
    expect(incoming.length + outgoingCount).toBe(expected.count)
    expect(incoming.reduce((sum, transaction) => sum + transaction.amount, 0) + outgoingSum).toBe(expected.sumCents)
  })

  it("fetchAll stops early on break", async () => {
    const client = await loggedInClient()
    sandbox().clearRequests()
    let seen = 0
    for await (const _ of client.models.transaction.fetchAll({ first: 10 })) {
      seen += 1
      if (seen === 15) break
    }
    expect(seen).toBe(15)
    expect(sandbox().requests().filter((request) => request.path === "/api/graphql")).toHaveLength(2)
  })

  it("fetchAll rejects backward paging", async () => {
    const client = await loggedInClient()
    const iterator = client.models.transaction.fetchAll({ last: 5 })
    await expect(iterator.next()).rejects.toBeInstanceOf(InvalidInput)
  })

  it("fetchAll rejects a page size over 50", async () => {
    const client = await loggedInClient()
    sandbox().clearRequests()
    const error = await client.models.transaction.fetchAll({ first: 51 }).next().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InvalidInput)
    expect((error as InvalidInput).field).toBe("first")
    expect(sandbox().requests()).toHaveLength(0)
  })

  it("fetchAll continues after a cursor", async () => {
    const client = await loggedInClient()
    const first = await client.models.transaction.fetch({ first: 10 })
    const rest: Array<string> = []
    for await (const transaction of client.models.transaction.fetchAll({ after: first.pageInfo.endCursor! })) {
      rest.push(transaction.id)
    }
    expect(rest.length + first.items.length).toBe(sandbox().dataset().count)
    const firstIds = new Set(first.items.map((item) => item.id))
    expect(rest.some((id) => firstIds.has(id))).toBe(false)
  })

  it("fetch rejects a page size over 50", async () => {
    const client = await loggedInClient()
    sandbox().clearRequests()
    const error = await client.models.transaction.fetch({ first: 51 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InvalidInput)
    expect(sandbox().requests()).toHaveLength(0)
  })

  it("subscribe delivers new transactions until unsubscribe", async () => {
    // The client reaches the sandbox through a proxy that detects when the WebSocket's TCP connection closes.
    const proxy = await startCountingProxy(sandbox().port)
    onTestFinished(() => proxy.close())
    const client = await loggedInClient({ baseUrl: proxy.url })
    const received: Array<TransactionData> = []
    const errors: Array<unknown> = []
    sandbox().clearRequests()

    const subscription = client.models.transaction.subscribe((transaction) => received.push(transaction), (error) => errors.push(error))
    await waitFor("the subscription to start", () =>
      sandbox().requests().some((request) => request.operationType === "subscription"))
    sandbox().injectTransaction({ amount: 4_200, name: "Anna Berger", iban: "DE89370400440532013000", purpose: "Rechnung 2024-117" })
    await waitFor("the injected transaction", () => received.length === 1)

    expect(received[0]?.amount).toBe(4_200)
    expect(received[0]?.name).toBe("Anna Berger")
    expect(typeof received[0]?.bookingDate).toBe("string")
    expect(proxy.openWebSockets()).toBe(1)

    subscription.unsubscribe()
    await waitFor("the WebSocket to close", () => proxy.openWebSockets() === 0)
    expect(proxy.webSocketsOpened()).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    sandbox().injectTransaction({ amount: 100, name: "Anna Berger", iban: "DE89370400440532013000", purpose: "After unsubscribe" })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(received).toHaveLength(1)
    expect(errors).toEqual([])
  })

  it("subscribe reports a missing scope to onError", async () => {
    const client = await loggedInClient({ scopes: ["transactions"] })
    const error = await new Promise<unknown>((resolve) => {
      client.models.transaction.subscribe(() => resolve(new Error("expected no transaction")), resolve)
    })
    expect(error).toBeInstanceOf(GraphQLError)
    expect((error as GraphQLError).type).toBe("FORBIDDEN")
  })
})
