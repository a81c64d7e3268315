import { createClient } from "graphql-ws"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { start } from "../src/index.js"
import type { RunningSandbox } from "../src/index.js"
import { accessTokenOf, graphql, passwordLogin, waitFor } from "./requests.js"

let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await start({ port: 0, transactions: 80, mfa: { answer: "ignore" } })
})

afterAll(async () => {
  await sandbox.close()
})

const websocketUrl = () => `${sandbox.url.replace(/^http/, "ws")}/api/graphql`

/** Logs in with `scope`, approves the MFA challenge through `answerChallenge`, and returns the confirmed access token. */
const confirmedToken = async (scope: string): Promise<string> => {
  const token = accessTokenOf(await passwordLogin(sandbox, scope))
  const headers = { authorization: `Bearer ${token}` }
  const created = await fetch(`${sandbox.url}/api/user/mfa/challenges`, { method: "POST", headers })
  const { id } = (await created.json()) as { id: string }
  sandbox.answerChallenge(id, "VERIFIED")
  const exchanged = await fetch(`${sandbox.url}/api/user/mfa/challenges/${id}/token`, { method: "POST", headers })
  return ((await exchanged.json()) as { token: string }).token
}

const createTransfer = `mutation Create($transfer: CreateTransferInput!) {
  createTransfer(transfer: $transfer) { confirmationId stringToSign }
}`

const transferInput = { recipient: "Max Mustermann", iban: "DE89370400440532013000", amount: 1234, purpose: "Test transfer" }

/** Waits for a WebSocket's close event and returns its code. */
const closeCode = (socket: WebSocket): Promise<number> =>
  new Promise((resolve) => socket.once("close", (code) => resolve(code)))

describe("GraphQL over HTTP", () => {
  it("rejects a missing token with 401", async () => {
    const response = await graphql(sandbox, undefined, "{ viewer { email } }")
    expect(response.status).toBe(401)
    expect(response.body.errors?.[0]?.extensions).toEqual({ status: 401, type: "UNAUTHORIZED" })
  })

  it("rejects an unknown token with 401", async () => {
    const response = await graphql(sandbox, "not-a-token", "{ viewer { email } }")
    expect(response.status).toBe(401)
    expect(response.body.errors?.[0]?.extensions).toEqual({ status: 401, type: "UNAUTHORIZED" })
  })

  it("rejects a body that is not JSON", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "users"))
    const response = await fetch(`${sandbox.url}/api/graphql`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{ viewer"
    })
    expect(response.status).toBe(400)
  })

  it("rejects a non-JSON content type", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "users"))
    const response = await fetch(`${sandbox.url}/api/graphql`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
      body: JSON.stringify({ query: "{ viewer { email } }" })
    })
    expect(response.status).toBe(400)
  })

  it("rejects an invalid document with 400", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "users"))
    const response = await graphql(sandbox, token, "{ viewer { noSuchField } }")
    expect(response.status).toBe(400)
    expect(response.body.errors?.[0]?.message).toContain("noSuchField")
  })

  it("answers with the users scope", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "users"))
    const response = await graphql(sandbox, token, "{ viewer { email } }")
    expect(response.status).toBe(200)
    expect(response.body.data).toEqual({ viewer: { email: "lena.schulz@example.com" } })
  })

  it("enforces the accounts scope", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "users"))
    const response = await graphql(sandbox, token, "{ viewer { mainAccount { iban } } }")
    expect(response.status).toBe(200)
    expect(response.body.errors?.[0]?.extensions).toEqual({ status: 403, type: "FORBIDDEN" })
  })

  it("enforces the transfers scope", async () => {
    const token = await confirmedToken("users")
    const response = await graphql(sandbox, token, createTransfer, { transfer: transferInput })
    expect(response.body.errors?.[0]?.extensions).toEqual({ status: 403, type: "FORBIDDEN" })
  })

  it("requires MFA for transfers", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "users transfers"))
    const smsBefore = sandbox.sms().length
    const response = await graphql(sandbox, token, createTransfer, { transfer: transferInput })
    expect(response.status).toBe(200)
    expect(response.body.errors?.[0]?.extensions).toEqual({ status: 403, type: "MFA_REQUIRED" })
    expect(sandbox.sms()).toHaveLength(smsBefore)
  })

  it("creates a transfer with a confirmed token", async () => {
    const token = await confirmedToken("users transfers")
    const response = await graphql(sandbox, token, createTransfer, { transfer: transferInput })
    expect(response.status).toBe(200)
    expect(response.body.errors).toBeUndefined()
    const data = response.body.data as { createTransfer: { confirmationId: string; stringToSign: string | null } }
    expect(data.createTransfer.stringToSign).toBeNull()
    expect(sandbox.sms().at(-1)?.confirmationId).toBe(data.createTransfer.confirmationId)
  })
})

describe("GraphQL subscriptions", () => {
  it("closes bad-token connections with 4403", async () => {
    const socket = new WebSocket(websocketUrl(), "graphql-transport-ws")
    const closed = closeCode(socket)
    socket.once("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: "Bearer not-a-token" } }))
    })
    expect(await closed).toBe(4403)
  })

  it("closes tokenless connections with 4403", async () => {
    const socket = new WebSocket(websocketUrl(), "graphql-transport-ws")
    const closed = closeCode(socket)
    socket.once("open", () => socket.send(JSON.stringify({ type: "connection_init" })))
    expect(await closed).toBe(4403)
  })

  it("refuses WebSockets on other paths", async () => {
    const socket = new WebSocket(`${sandbox.url.replace(/^http/, "ws")}/api/other`, "graphql-transport-ws")
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once("unexpected-response", (_request, response) => resolve(response.statusCode))
      socket.once("error", () => resolve(undefined))
    })
    expect(status).toBe(404)
  })

  it("delivers an injected transaction", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "subscriptions transactions"))
    const client = createClient({
      url: websocketUrl(),
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${token}` },
      retryAttempts: 0
    })
    const received: Array<unknown> = []
    const unsubscribe = client.subscribe(
      { query: "subscription { newTransaction { amount name purpose } }" },
      { next: (value) => received.push(value.data), error: (error) => received.push({ error }), complete: () => {} }
    )
    try {
      // The client cannot tell when the server has registered the subscription,
      // so inject until one booking arrives.
      await waitFor(() => {
        if (received.length === 0) {
          sandbox.injectTransaction({ amount: 777, name: "Erika Musterfrau", iban: "DE89370400440532013000", purpose: "Refund" })
        }
        return received.length > 0
      })
      expect(received[0]).toEqual({ newTransaction: { amount: 777, name: "Erika Musterfrau", purpose: "Refund" } })
    } finally {
      unsubscribe()
      await client.dispose()
    }
  })

  it("rejects a subscription without the scope", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "transactions"))
    const client = createClient({
      url: websocketUrl(),
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${token}` },
      retryAttempts: 0
    })
    try {
      const outcome = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: "subscription { newTransaction { amount } }" },
          { next: (value) => resolve({ next: value }), error: (error) => resolve({ error }), complete: () => resolve("complete") }
        )
      })
      const errors = (outcome as { error: Array<{ extensions?: unknown }> }).error
      expect(Array.isArray(errors)).toBe(true)
      expect(errors[0]?.extensions).toEqual({ status: 403, type: "FORBIDDEN" })
    } finally {
      await client.dispose()
    }
  })

  it("records subscribe messages", async () => {
    sandbox.clearRequests()
    const token = accessTokenOf(await passwordLogin(sandbox, "subscriptions transactions"))
    const client = createClient({
      url: websocketUrl(),
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${token}` },
      retryAttempts: 0
    })
    const unsubscribe = client.subscribe(
      { query: "subscription Live { newTransaction { amount } }" },
      { next: () => {}, error: () => {}, complete: () => {} }
    )
    try {
      await waitFor(() => sandbox.requests().some((request) => request.method === "WS"))
      expect(sandbox.requests().slice(1)).toEqual([
        { method: "GET", path: "/api/graphql" },
        { method: "WS", path: "/api/graphql", operationType: "subscription", operationName: "Live", fields: ["newTransaction"] }
      ])
    } finally {
      unsubscribe()
      await client.dispose()
    }
  })

  it("drops open sockets on request", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "subscriptions transactions"))
    const socket = new WebSocket(websocketUrl(), "graphql-transport-ws")
    const acknowledged = new Promise<void>((resolve) => {
      socket.on("message", (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type === "connection_ack") {
          resolve()
        }
      })
    })
    socket.once("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${token}` } }))
    })
    await acknowledged
    const closed = closeCode(socket)
    sandbox.setFaults({ dropSockets: true })
    expect(await closed).toBe(1006)
  })
})
