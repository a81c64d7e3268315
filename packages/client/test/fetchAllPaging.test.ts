/**
 * `fetchAll` against a GraphQL double that returns broken page information,
 * which the sandbox never does: `hasNextPage` without an `endCursor`, or the
 * same `endCursor` twice.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { Client, ResponseError, type TransactionData } from "../src/node.js"

interface PageInfo {
  readonly hasNextPage: boolean
  readonly endCursor: string | null
}

/** The pages the double returns, one per request, in order. The last one repeats. */
let pages: ReadonlyArray<PageInfo> = []
let requestCount = 0
/** The GraphQL variables of every request, oldest first. */
let variables: Array<Record<string, unknown>> = []
let server: Server
let baseUrl: string
const clients: Array<Client> = []

const transactionNode = (id: string) => ({
  id,
  amount: -1_250,
  name: "Anna Berger",
  iban: "DE89370400440532013000",
  purpose: `Rechnung ${id}`,
  description: null,
  type: "SEPA_CREDIT_TRANSFER",
  source: "SOLARIS",
  paymentMethod: "bank_account",
  bookingDate: "2024-03-01T10:00:00.000Z",
  valutaDate: null,
  createdAt: "2024-03-01T10:00:00.000Z",
  category: null,
  vatRate: null,
  e2eId: null,
  personalNote: null,
  foreignCurrency: null,
  originalAmount: null
})

const pageResponse = (index: number, pageInfo: PageInfo) => ({
  data: {
    viewer: {
      mainAccount: {
        transactions: {
          edges: [{ node: transactionNode(`tx-${index}`) }],
          pageInfo: { hasPreviousPage: index > 0, startCursor: `start-${index}`, ...pageInfo }
        }
      }
    }
  }
})

beforeAll(async () => {
  server = createServer((request, response) => {
    const body: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => body.push(chunk))
    request.on("end", () => {
      variables.push(JSON.parse(Buffer.concat(body).toString("utf8")).variables ?? {})
      const index = requestCount
      requestCount += 1
      const pageInfo = pages[Math.min(index, pages.length - 1)] ?? { hasNextPage: false, endCursor: null }
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify(pageResponse(index, pageInfo)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()))
  requestCount = 0
  variables = []
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/** Creates a client with a stored opaque token, which never expires, so no token request reaches the double. */
const newClient = async (): Promise<Client> => {
  const client = new Client({ clientId: "test-client", scopes: ["transactions"], baseUrl })
  clients.push(client)
  await client.auth.setToken("opaque-access-token")
  return client
}

/** Iterates until the end or the first error, and returns the items seen and the error. */
const collect = async (iterable: AsyncIterable<TransactionData>) => {
  const items: Array<string> = []
  try {
    for await (const transaction of iterable) items.push(transaction.id)
  } catch (error) {
    return { items, error }
  }
  return { items, error: undefined }
}

describe("fetchAll with broken page information", () => {
  it("fails on hasNextPage without endCursor", async () => {
    pages = [{ hasNextPage: true, endCursor: "cursor-0" }, { hasNextPage: true, endCursor: null }]
    const client = await newClient()

    const { items, error } = await collect(client.models.transaction.fetchAll({ first: 1 }))

    // The page with the broken information is not yielded, as in the core stream.
    expect(items).toEqual(["tx-0"])
    expect(error).toBeInstanceOf(ResponseError)
    expect((error as ResponseError).reason).toBe("UnexpectedBody")
    expect((error as ResponseError).message).toContain("no endCursor")
    expect(requestCount).toBe(2)
  })

  it("fails on a repeated endCursor", async () => {
    pages = [{ hasNextPage: true, endCursor: "cursor-0" }, { hasNextPage: true, endCursor: "cursor-0" }]
    const client = await newClient()

    const { items, error } = await collect(client.models.transaction)

    expect(items).toEqual(["tx-0"])
    expect(error).toBeInstanceOf(ResponseError)
    expect((error as ResponseError).message).toContain("the same endCursor")
    expect(requestCount).toBe(2)
  })

  it("fails on a missing endCursor after a given cursor", async () => {
    pages = [{ hasNextPage: true, endCursor: null }]
    const client = await newClient()

    const { items, error } = await collect(client.models.transaction.fetchAll({ after: "cursor-x" }))

    expect(items).toEqual([])
    expect(error).toBeInstanceOf(ResponseError)
    expect((error as ResponseError).message).toContain("no endCursor")
    expect(requestCount).toBe(1)
    expect(variables[0]?.["after"]).toBe("cursor-x")
  })

  it("ends when the last page has no endCursor", async () => {
    pages = [{ hasNextPage: true, endCursor: "cursor-0" }, { hasNextPage: false, endCursor: null }]
    const client = await newClient()

    const { items, error } = await collect(client.models.transaction.fetchAll())

    expect(items).toEqual(["tx-0", "tx-1"])
    expect(error).toBeUndefined()
    expect(variables.map((entry) => entry["after"])).toEqual([undefined, "cursor-0"])
  })
})
