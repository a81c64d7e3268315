import type { AddressInfo } from "node:net"
import { createClient } from "graphql-ws"
import { useServer } from "graphql-ws/use/ws"
import { afterEach, beforeAll, describe, expect, it } from "vitest"
import WebSocket, { WebSocketServer } from "ws"
import * as Bank from "../src/Bank.js"
import * as GraphQLApi from "../src/GraphQLApi.js"
import type { Principal } from "../src/GraphQLApi.js"

const now = new Date("2025-06-30T12:00:00.000Z")
const allScopes = ["users", "accounts", "transactions", "transfers", "subscriptions", "statements", "offline"]

const principal = (scopes: ReadonlyArray<string> = allScopes, confirmed = true): Principal => ({
  userId: "9c3e6b1e-4f1a-4c52-9b6d-5a1f0e7d2c41",
  scopes: new Set(scopes),
  confirmed
})

interface Body {
  readonly data?: any
  readonly errors?: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number>; extensions?: { status: number; type: string } }>
}

const run = async (api: GraphQLApi.GraphQLApi, query: string, variables?: Record<string, unknown>, who: Principal = principal()) => {
  const response = await api.execute(variables === undefined ? { query } : { query, variables }, who)
  return { status: response.status, body: response.body as Body }
}

const transferInput = { recipient: "Max Mustermann", iban: "DE89370400440532013000", amount: 1234, purpose: "Rechnung RE-2025-0412" }

const createTransfer = `mutation Create($transfer: CreateTransferInput!) {
  createTransfer(transfer: $transfer) { confirmationId stringToSign }
}`
const confirmTransfer = `mutation Confirm($id: String!, $code: String!) {
  confirmTransfer(confirmationId: $id, authorizationToken: $code) { id status amount iban recipient purpose executeAt reoccurrence }
}`

const transactionsPage = `query Page($first: Int, $after: String, $last: Int, $before: String, $filter: TransactionFilter) {
  viewer { mainAccount { transactions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    edges { cursor node { id amount name purpose iban bookingDate } }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  } } }
}`

const codeFor = (bank: Bank.Bank, confirmationId: string): string =>
  bank.sms().find((sms) => sms.confirmationId === confirmationId)!.code

describe("GraphQLApi queries", () => {
  let bank: Bank.Bank
  let api: GraphQLApi.GraphQLApi

  beforeAll(() => {
    bank = Bank.make({ now })
    api = GraphQLApi.make(bank)
  })

  it("serves the viewer and the main account", async () => {
    const { status, body } = await run(api, "{ viewer { firstName lastName email city mainAccount { iban bic balance availableBalance } } }")
    expect(status).toBe(200)
    expect(body.errors).toBeUndefined()
    expect(body.data.viewer).toEqual({
      firstName: "Lena",
      lastName: "Schulz",
      email: "lena.schulz@example.com",
      city: "Berlin",
      mainAccount: { iban: bank.account.iban, bic: "SOBKDEBBXXX", balance: bank.balance(), availableBalance: bank.balance() }
    })
  })

  it.each([1, 7, 50])("pages through every transaction with first %i", async (pageSize) => {
    const ids: Array<string> = []
    let after: string | null = null
    for (;;) {
      const { status, body } = await run(api, transactionsPage, { first: pageSize, after })
      expect(status).toBe(200)
      const connection = body.data.viewer.mainAccount.transactions
      ids.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id))
      if (!connection.pageInfo.hasNextPage) break
      after = connection.pageInfo.endCursor
    }
    expect(ids).toHaveLength(5_000)
    expect(new Set(ids).size).toBe(5_000)
    expect(ids).toEqual(bank.transactions().map((t) => t.id))
  }, 120_000)

  it("pages backward with last and before", async () => {
    const first = await run(api, transactionsPage, { last: 3 })
    const connection = first.body.data.viewer.mainAccount.transactions
    expect(connection.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(bank.transactions().slice(-3).map((t) => t.id))
    expect(connection.pageInfo.hasPreviousPage).toBe(true)
    const previous = await run(api, transactionsPage, { last: 2, before: connection.pageInfo.startCursor })
    expect(previous.body.data.viewer.mainAccount.transactions.edges.map((edge: { node: { id: string } }) => edge.node.id))
      .toEqual(bank.transactions().slice(-5, -3).map((t) => t.id))
  })

  it("rejects a page of more than 50 with BAD_USER_INPUT", async () => {
    const { status, body } = await run(api, transactionsPage, { first: 51 })
    expect(status).toBe(200)
    expect(body.errors?.[0]?.extensions).toEqual({ status: 400, type: "BAD_USER_INPUT" })
    expect(body.data.viewer.mainAccount).toBeNull()
  })

  it("applies a filter with DateTime variables and the OR operator", async () => {
    const filter = {
      operator: "OR",
      conditions: [
        { bookingDate_gte: "2025-06-01T00:00:00.000Z", amount_gt: 100_000 },
        { name_like: "finanzamt" }
      ]
    }
    const { body } = await run(api, transactionsPage, { first: 50, filter })
    const expected = bank.transactions().filter(
      (t) => (t.bookingTime >= Date.parse("2025-06-01T00:00:00.000Z") && t.amount > 100_000) || /finanzamt/i.test(t.name ?? "")
    )
    expect(body.errors).toBeUndefined()
    expect(body.data.viewer.mainAccount.transactions.edges.map((edge: { node: { id: string } }) => edge.node.id))
      .toEqual(expected.slice(0, 50).map((t) => t.id))
  })

  it("rejects an invalid DateTime variable with 400", async () => {
    const { status, body } = await run(api, transactionsPage, { filter: { bookingDate_gte: "last week" } })
    expect(status).toBe(400)
    expect(body.errors?.[0]?.extensions).toEqual({ status: 400, type: "BAD_USER_INPUT" })
    expect(body.errors?.[0]?.message).toContain("ISO 8601")
  })

  it("serves a transaction by id", async () => {
    const some = bank.transactions()[42]!
    const { body } = await run(api, "query One($id: ID!) { viewer { mainAccount { transaction(id: $id) { id amount name fees { type } splits { id } } } } }", { id: some.id })
    expect(body.data.viewer.mainAccount.transaction).toEqual({ id: some.id, amount: some.amount, name: some.name, fees: [], splits: [] })
    const missing = await run(api, "{ viewer { mainAccount { transaction(id: \"nope\") { id } } } }")
    expect(missing.body.data.viewer.mainAccount.transaction).toBeNull()
    expect(missing.body.errors).toBeUndefined()
  })

  it("allows introspection", async () => {
    const { status, body } = await run(api, "{ __schema { queryType { name } } __typename }")
    expect(status).toBe(200)
    expect(body.data).toEqual({ __schema: { queryType: { name: "Query" } }, __typename: "Query" })
  })
})

describe("GraphQLApi request errors", () => {
  let api: GraphQLApi.GraphQLApi

  beforeAll(() => {
    api = GraphQLApi.make(Bank.make({ transactions: 50, now }))
  })

  it("answers a document that does not validate with 400 and the validation errors", async () => {
    const { status, body } = await run(api, "{ viewer { noSuchField mainAccount { iban } } }")
    expect(status).toBe(400)
    expect(body.data).toBeUndefined()
    expect(body.errors?.[0]?.message).toBe("Cannot query field \"noSuchField\" on type \"User\".")
    expect(body.errors?.[0]?.extensions).toEqual({ status: 400, type: "GRAPHQL_VALIDATION_FAILED" })
  })

  it("answers a syntax error with 400", async () => {
    const { status, body } = await run(api, "{ viewer { email ")
    expect(status).toBe(400)
    expect(body.errors?.[0]?.message).toMatch(/^Syntax Error/)
    expect(body.errors?.[0]?.extensions).toEqual({ status: 400, type: "GRAPHQL_PARSE_FAILED" })
  })

  it("returns at most 3 errors", async () => {
    const { status, body } = await run(api, "{ a b c d e viewer { x y } }")
    expect(status).toBe(400)
    expect(body.errors).toHaveLength(3)
  })

  it.each([
    ["a string body", "query"],
    ["a missing query", { variables: {} }],
    ["array variables", { query: "{ viewer { email } }", variables: [] }]
  ])("answers %s with 400", async (_case, payload) => {
    const response = await api.execute(payload, principal())
    expect(response.status).toBe(400)
    expect((response.body as Body).errors?.[0]?.extensions).toEqual({ status: 400, type: "BAD_REQUEST" })
  })

  it("rejects an over-long query", async () => {
    const query = `{ viewer { email } } # ${"x".repeat(10_000)}`
    expect((await run(api, query)).status).toBe(400)
  })

  it("rejects a subscription over HTTP", async () => {
    const { status, body } = await run(api, "subscription { newTransaction { id } }")
    expect(status).toBe(400)
    expect(body.errors?.[0]?.message).toContain("graphql-ws")
  })

  it("requires operationName for several operations", async () => {
    const query = "query A { viewer { email } } query B { viewer { city } }"
    expect((await run(api, query)).status).toBe(400)
    const chosen = await api.execute({ query, operationName: "B" }, principal())
    expect(chosen).toEqual({ status: 200, body: { data: { viewer: { city: "Berlin" } } } })
  })
})

describe("GraphQLApi unimplemented fields", () => {
  let api: GraphQLApi.GraphQLApi

  beforeAll(() => {
    api = GraphQLApi.make(Bank.make({ transactions: 50, now }))
  })

  it.each([
    ["Query.status", "{ status { message } }", ["status"]],
    ["User.taxNumbers", "{ viewer { email taxNumbers { id } } }", ["viewer", "taxNumbers"]],
    ["Account.cards", "{ viewer { mainAccount { iban cards { id } } } }", ["viewer", "mainAccount", "cards"]],
    ["Mutation.dismissBanner", "mutation { dismissBanner(name: OVERDRAFT) { success } }", ["dismissBanner"]]
  ])("fails %s with NOT_IMPLEMENTED", async (coordinate, query, path) => {
    const { status, body } = await run(api, query)
    expect(status).toBe(200)
    expect(body.errors).toHaveLength(1)
    expect(body.errors?.[0]?.message).toBe(`The sandbox does not implement ${coordinate}`)
    expect(body.errors?.[0]?.extensions).toEqual({ status: 501, type: "NOT_IMPLEMENTED" })
    expect(body.errors?.[0]?.path).toEqual(path)
  })

  it("keeps implemented siblings of an unimplemented nullable field", async () => {
    const { body } = await run(api, "{ viewer { email overdraft: mainAccount { overdraft { id } } } }")
    expect(body.data.viewer.email).toBe("lena.schulz@example.com")
    expect(body.data.viewer.overdraft.overdraft).toBeNull()
    expect(body.errors?.[0]?.message).toBe("The sandbox does not implement Account.overdraft")
  })

  it("reports an unimplemented argument", async () => {
    const { body } = await run(api, "{ viewer { mainAccount { transactions(preset: {value: \"x\"}) { edges { cursor } } } } }")
    expect(body.errors?.[0]?.message).toBe("The sandbox does not implement Account.transactions(preset)")
    expect(body.errors?.[0]?.extensions).toEqual({ status: 501, type: "NOT_IMPLEMENTED" })
  })
})

describe("GraphQLApi scopes and MFA", () => {
  let bank: Bank.Bank
  let api: GraphQLApi.GraphQLApi

  beforeAll(() => {
    bank = Bank.make({ transactions: 50, now })
    api = GraphQLApi.make(bank)
  })

  const forbidden = { status: 403, type: "FORBIDDEN" }
  const mfaRequired = { status: 403, type: "MFA_REQUIRED" }

  it("needs users for user fields", async () => {
    const denied = await run(api, "{ viewer { email } }", undefined, principal(["accounts"]))
    expect(denied.body.errors?.[0]?.extensions).toEqual(forbidden)
    expect(denied.body.errors?.[0]?.message).toContain("\"users\"")
    const allowed = await run(api, "{ viewer { email } }", undefined, principal(["users"], false))
    expect(allowed.body).toEqual({ data: { viewer: { email: "lena.schulz@example.com" } } })
  })

  it("needs accounts for IBAN, BIC and balance", async () => {
    for (const field of ["iban", "bic", "balance", "availableBalance"]) {
      const denied = await run(api, `{ viewer { mainAccount { ${field} } } }`, undefined, principal(["users", "transactions"]))
      expect(denied.body.errors?.[0]?.extensions, field).toEqual(forbidden)
    }
    const allowed = await run(api, "{ viewer { mainAccount { iban balance } } }", undefined, principal(["accounts"], false))
    expect(allowed.body.errors).toBeUndefined()
  })

  it("needs transactions for transactions", async () => {
    const denied = await run(api, "{ viewer { mainAccount { transactions(first: 1) { edges { cursor } } } } }", undefined, principal(["accounts"]))
    expect(denied.body.errors?.[0]?.extensions).toEqual(forbidden)
    const allowed = await run(api, "{ viewer { mainAccount { transactions(first: 1) { edges { cursor } } } } }", undefined, principal(["transactions"], false))
    expect(allowed.body.errors).toBeUndefined()
    const single = await run(api, `{ viewer { mainAccount { transaction(id: "x") { id } } } }`, undefined, principal(["accounts"]))
    expect(single.body.errors?.[0]?.extensions).toEqual(forbidden)
  })

  it("needs transfers and a confirmed token for the transfers query", async () => {
    const query = "{ viewer { mainAccount { transfers(type: SEPA_TRANSFER) { edges { node { id } } } } } }"
    expect((await run(api, query, undefined, principal(["accounts"]))).body.errors?.[0]?.extensions).toEqual(forbidden)
    expect((await run(api, query, undefined, principal(["transfers"], false))).body.errors?.[0]?.extensions).toEqual(mfaRequired)
    const allowed = await run(api, query, undefined, principal(["transfers"], true))
    expect(allowed.body).toEqual({ data: { viewer: { mainAccount: { transfers: { edges: [] } } } } })
    const one = await run(api, "{ viewer { mainAccount { transfer(id: \"x\", type: TIMED_ORDER) { id } } } }", undefined, principal(["transfers"], false))
    expect(one.body.errors?.[0]?.extensions).toEqual(mfaRequired)
  })

  it("needs transfers and a confirmed token for transfer mutations", async () => {
    const scopeless = await run(api, createTransfer, { transfer: transferInput }, principal(["users", "accounts"]))
    expect(scopeless.body.errors?.[0]?.extensions).toEqual(forbidden)
    const unconfirmed = await run(api, createTransfer, { transfer: transferInput }, principal(allScopes, false))
    expect(unconfirmed.body.errors?.[0]?.extensions).toEqual(mfaRequired)
    expect(unconfirmed.body.data).toBeNull()
    const confirm = await run(api, confirmTransfer, { id: "x", code: "123456" }, principal(allScopes, false))
    expect(confirm.body.errors?.[0]?.extensions).toEqual(mfaRequired)
    const batch = await run(api, "mutation { createTransfers(transfers: []) { confirmationId } }", undefined, principal(allScopes, false))
    expect(batch.body.errors?.[0]?.extensions).toEqual(mfaRequired)
    expect(bank.sms()).toHaveLength(0)
  })
})

describe("GraphQLApi transfers", () => {
  let bank: Bank.Bank
  let api: GraphQLApi.GraphQLApi

  beforeAll(() => {
    bank = Bank.make({ transactions: 50, now })
    api = GraphQLApi.make(bank)
  })

  it("creates and confirms a SEPA transfer", async () => {
    const created = await run(api, createTransfer, { transfer: transferInput })
    expect(created.status).toBe(200)
    const { confirmationId, stringToSign } = created.body.data.createTransfer
    expect(stringToSign).toBeNull()
    const count = bank.dataset().count

    const confirmed = await run(api, confirmTransfer, { id: confirmationId, code: codeFor(bank, confirmationId) })
    expect(confirmed.body.errors).toBeUndefined()
    expect(confirmed.body.data.confirmTransfer).toMatchObject({ status: "CONFIRMED", amount: 1234, iban: transferInput.iban, recipient: "Max Mustermann" })
    expect(bank.dataset().count).toBe(count + 1)

    const listed = await run(api, "{ viewer { mainAccount { transfers(type: SEPA_TRANSFER, where: {status: BOOKED}) { edges { node { id status } } } } } }")
    expect(listed.body.data.viewer.mainAccount.transfers.edges).toEqual([
      { node: { id: confirmed.body.data.confirmTransfer.id, status: "BOOKED" } }
    ])
  })

  it("answers a wrong code with INVALID_AUTHORIZATION_TOKEN", async () => {
    const created = await run(api, createTransfer, { transfer: transferInput })
    const { confirmationId } = created.body.data.createTransfer
    const code = codeFor(bank, confirmationId)
    const wrong = await run(api, confirmTransfer, { id: confirmationId, code: code === "000000" ? "111111" : "000000" })
    expect(wrong.status).toBe(200)
    expect(wrong.body.errors?.[0]?.extensions).toEqual({ status: 400, type: "INVALID_AUTHORIZATION_TOKEN" })
  })

  it("answers a second confirmation with BAD_USER_INPUT", async () => {
    const created = await run(api, createTransfer, { transfer: transferInput })
    const { confirmationId } = created.body.data.createTransfer
    const code = codeFor(bank, confirmationId)
    expect((await run(api, confirmTransfer, { id: confirmationId, code })).body.errors).toBeUndefined()
    const again = await run(api, confirmTransfer, { id: confirmationId, code })
    expect(again.body.errors?.[0]?.extensions).toEqual({ status: 400, type: "BAD_USER_INPUT" })
  })

  it("rejects invalid input with BAD_USER_INPUT", async () => {
    for (const change of [{ iban: "DE00370400440532013000" }, { amount: 0 }, { purpose: "x".repeat(141) }]) {
      const { body } = await run(api, createTransfer, { transfer: { ...transferInput, ...change } })
      expect(body.errors?.[0]?.extensions, JSON.stringify(change)).toEqual({ status: 400, type: "BAD_USER_INPUT" })
    }
  })

  it("rejects a fractional amount before execution", async () => {
    const { status, body } = await run(api, createTransfer, { transfer: { ...transferInput, amount: 19.99 } })
    expect(status).toBe(400)
    expect(body.errors?.[0]?.extensions).toEqual({ status: 400, type: "BAD_USER_INPUT" })
  })

  it("creates timed and standing orders", async () => {
    const executeAt = new Date(Date.now() + 7 * 86_400_000).toISOString()
    const timed = await run(api, createTransfer, { transfer: { ...transferInput, executeAt } })
    const timedId = timed.body.data.createTransfer.confirmationId
    const order = await run(api, confirmTransfer, { id: timedId, code: codeFor(bank, timedId) })
    expect(order.body.data.confirmTransfer).toMatchObject({ status: "SCHEDULED", executeAt, reoccurrence: null })

    const standing = await run(api, createTransfer, { transfer: { ...transferInput, executeAt, reoccurrence: "QUARTERLY" } })
    const standingId = standing.body.data.createTransfer.confirmationId
    const active = await run(api, confirmTransfer, { id: standingId, code: codeFor(bank, standingId) })
    expect(active.body.data.confirmTransfer).toMatchObject({ status: "ACTIVE", executeAt, reoccurrence: "QUARTERLY" })

    const found = await run(api, "query T($id: ID!) { viewer { mainAccount { transfer(id: $id, type: STANDING_ORDER) { id nextOccurrence } } } }", { id: active.body.data.confirmTransfer.id })
    expect(found.body.data.viewer.mainAccount.transfer).toEqual({ id: active.body.data.confirmTransfer.id, nextOccurrence: executeAt })
  })

  it("creates and confirms a batch", async () => {
    const transfers = [transferInput, { recipient: "Anna Müller", iban: "DE02120300000000202051", amount: 500 }]
    const created = await run(api, "mutation Many($transfers: [CreateSepaTransferInput!]!) { createTransfers(transfers: $transfers) { confirmationId } }", { transfers })
    const { confirmationId } = created.body.data.createTransfers
    const count = bank.dataset().count
    const confirmed = await run(
      api,
      "mutation ConfirmMany($id: String!, $code: String!) { confirmTransfers(confirmationId: $id, authorizationToken: $code) { id status transfers { recipient amount status assets { id } } } }",
      { id: confirmationId, code: codeFor(bank, confirmationId) }
    )
    expect(confirmed.body.errors).toBeUndefined()
    expect(confirmed.body.data.confirmTransfers.status).toBe("ACCEPTED")
    expect(confirmed.body.data.confirmTransfers.transfers).toEqual([
      { recipient: "Max Mustermann", amount: 1234, status: "CONFIRMED", assets: [] },
      { recipient: "Anna Müller", amount: 500, status: "CONFIRMED", assets: [] }
    ])
    expect(bank.dataset().count).toBe(count + 2)
  })
})

describe("GraphQLApi subscriptions", () => {
  it("publishes a booked transfer to a subscriber", async () => {
    const bank = Bank.make({ transactions: 20, now })
    const api = GraphQLApi.make(bank)
    const events = await api.subscribe({ query: "subscription { newTransaction { id amount name iban purpose } }" }, principal())
    if (!(Symbol.asyncIterator in events)) throw new Error(`subscribe failed: ${JSON.stringify(events.body)}`)

    const created = await run(api, createTransfer, { transfer: transferInput })
    const { confirmationId } = created.body.data.createTransfer
    await run(api, confirmTransfer, { id: confirmationId, code: codeFor(bank, confirmationId) })

    const event = await events.next()
    expect(event.done).toBe(false)
    expect(event.value?.data).toEqual({
      newTransaction: { id: bank.transactions()[0]!.id, amount: -1234, name: "Max Mustermann", iban: transferInput.iban, purpose: "Rechnung RE-2025-0412" }
    })
    await events.return?.()
  })

  it("rejects a subscription without the subscriptions scope", async () => {
    const api = GraphQLApi.make(Bank.make({ transactions: 20, now }))
    const result = await api.subscribe({ query: "subscription { newTransaction { id } }" }, principal(["transactions"]))
    expect(Symbol.asyncIterator in result).toBe(false)
    const body = (result as GraphQLApi.GraphQLResponse).body as Body
    expect(body.errors?.[0]?.extensions).toEqual({ status: 403, type: "FORBIDDEN" })
  })
})

describe("GraphQLApi over graphql-ws", () => {
  const cleanups: Array<() => Promise<void>> = []

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  /** Serves `api` with graphql-ws on a loopback port; the token "good-<scopes>" authorizes with those scopes. */
  const serve = async (bank: Bank.Bank) => {
    const api = GraphQLApi.make(bank)
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 })
    await new Promise<void>((resolve) => server.once("listening", () => resolve()))
    const disposable = useServer(
      api.wsServerOptions((params) => {
        const header = params?.["Authorization"]
        if (typeof header !== "string" || !header.startsWith("Bearer good-")) return undefined
        return principal(header.slice("Bearer good-".length).split(","))
      }),
      server
    )
    cleanups.push(async () => {
      await disposable.dispose()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    })
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  const connect = (url: string, token: string) => {
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false })
    cleanups.push(async () => {
      await client.dispose()
    })
    return client
  }

  it("delivers new transactions", async () => {
    const bank = Bank.make({ transactions: 20, now })
    const client = connect(await serve(bank), "good-subscriptions")
    const received = new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: "subscription { newTransaction { amount name } }" }, {
        next: (value) => resolve(value),
        error: reject,
        complete: () => reject(new Error("completed without an event"))
      })
    })
    // Inject repeatedly until the subscription is registered on the server.
    const timer = setInterval(() => bank.injectTransaction({ amount: 4_200, name: "Anna Müller", iban: transferInput.iban, purpose: "Test" }), 50)
    cleanups.push(async () => clearInterval(timer))
    expect(await received).toEqual({ data: { newTransaction: { amount: 4_200, name: "Anna Müller" } } })
  })

  it("sends FORBIDDEN without the subscriptions scope", async () => {
    const client = connect(await serve(Bank.make({ transactions: 20, now })), "good-transactions")
    const errors = await new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: "subscription { newTransaction { id } }" }, {
        next: () => reject(new Error("unexpected event")),
        error: resolve,
        complete: () => reject(new Error("completed without an error"))
      })
    })
    expect(errors).toEqual([expect.objectContaining({ extensions: { status: 403, type: "FORBIDDEN" } })])
  })

  it("sends validation errors for a bad document", async () => {
    const client = connect(await serve(Bank.make({ transactions: 20, now })), "good-subscriptions")
    const errors = await new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: "subscription { newTransaction { nope } }" }, { next: () => reject(new Error("unexpected event")), error: resolve, complete: () => undefined })
    })
    expect(errors).toEqual([expect.objectContaining({ extensions: { status: 400, type: "GRAPHQL_VALIDATION_FAILED" } })])
  })

  it("closes a connection with a bad token with 4403", async () => {
    const url = await serve(Bank.make({ transactions: 20, now }))
    const socket = new WebSocket(url, "graphql-transport-ws")
    cleanups.push(async () => socket.terminate())
    await new Promise((resolve) => socket.once("open", resolve))
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)))
    socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: "Bearer bad" } }))
    expect(await closed).toBe(4403)
  })
})

describe("GraphQLApi.describe", () => {
  const api = GraphQLApi.make(Bank.make({ transactions: 5, now }))

  it("names the operation and its top-level fields", () => {
    expect(api.describe({ query: createTransfer })).toEqual({ operationType: "mutation", operationName: "Create", fields: ["createTransfer"] })
    expect(api.describe({ query: "{ alias: viewer { email } ...F } fragment F on Query { status { message } }" }))
      .toEqual({ operationType: "query", fields: ["viewer", "status"] })
  })

  it("returns undefined for a body it cannot read", () => {
    expect(api.describe({ query: "{" })).toBeUndefined()
    expect(api.describe("nope")).toBeUndefined()
  })
})
