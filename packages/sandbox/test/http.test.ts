import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { demo, start } from "../src/index.js"
import type { RunningSandbox } from "../src/index.js"
import { accessTokenOf, graphql, passwordLogin, tokenRequest } from "./requests.js"

const pageOrigin = "http://127.0.0.1:5173"

let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await start({ port: 0, transactions: 120, corsOrigins: [pageOrigin], mfa: { answer: "ignore" } })
})

afterAll(async () => {
  await sandbox.close()
})

beforeEach(() => {
  sandbox.setFaults({})
  sandbox.clearRequests()
})

const admin = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${sandbox.url}/sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) }
}

describe("sandbox", () => {
  it("reports its loopback URL", () => {
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`)
    expect(sandbox.port).toBeGreaterThan(0)
  })

  it("answers unknown API paths with 404", async () => {
    const response = await fetch(`${sandbox.url}/api/nothing`)
    expect(response.status).toBe(404)
    expect(((await response.json()) as Record<string, unknown>)["error"]).toBe("not_found")
  })

  it("returns 405 with Allow", async () => {
    const response = await fetch(`${sandbox.url}/api/oauth/token`)
    expect(response.status).toBe(405)
    expect(response.headers.get("allow")).toBe("POST")
  })

  it("answers device binding with 501", async () => {
    const response = await fetch(`${sandbox.url}/api/user/devices`, { method: "POST" })
    expect(response.status).toBe(501)
    expect(((await response.json()) as Record<string, unknown>)["error"]).toBe("not_implemented")
  })

  it("rejects malformed percent-encoding", async () => {
    const response = await fetch(`${sandbox.url}/api/user/mfa/challenges/%E0%A4%A`)
    expect(response.status).toBe(400)
    const adminResponse = await fetch(`${sandbox.url}/sandbox/challenges/%E0%A4%A`, { method: "POST" })
    expect(adminResponse.status).toBe(400)
  })

  it("rejects an oversized body with 413", async () => {
    const response = await fetch(`${sandbox.url}/api/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=".padEnd(1024 * 1024 + 10, "x")
    })
    expect(response.status).toBe(413)
  })
})

describe("CORS", () => {
  it("answers a preflight from an allowed origin", async () => {
    const response = await fetch(`${sandbox.url}/api/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: pageOrigin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type"
      }
    })
    expect(response.status).toBe(204)
    expect(response.headers.get("access-control-allow-origin")).toBe(pageOrigin)
    expect(response.headers.get("access-control-allow-methods")).toContain("POST")
    expect(response.headers.get("access-control-allow-headers")).toBe("authorization, content-type")
    expect(sandbox.requests()).toEqual([])
  })

  it("gives other origins no CORS headers", async () => {
    const preflight = await fetch(`${sandbox.url}/api/oauth/token`, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:6000", "access-control-request-method": "POST" }
    })
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull()
    expect(preflight.headers.get("access-control-allow-headers")).toBeNull()
    const post = await fetch(`${sandbox.url}/api/oauth/token`, { method: "POST", headers: { origin: "http://127.0.0.1:6000" } })
    expect(post.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("adds CORS headers to responses and errors", async () => {
    const response = await fetch(`${sandbox.url}/api/oauth/token`, { method: "POST", headers: { origin: pageOrigin } })
    expect(response.status).toBe(400)
    expect(response.headers.get("access-control-allow-origin")).toBe(pageOrigin)
    expect(response.headers.get("vary")).toBe("Origin")
  })

  it("follows reconfigured origins", async () => {
    const other = "http://localhost:8000"
    sandbox.configure({ corsOrigins: [pageOrigin, other] })
    const response = await fetch(`${sandbox.url}/api/graphql`, { method: "POST", headers: { origin: other } })
    sandbox.configure({ corsOrigins: [pageOrigin] })
    expect(response.headers.get("access-control-allow-origin")).toBe(other)
  })
})

describe("request log", () => {
  it("records grants and operations", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "users"))
    await graphql(sandbox, token, "query Me { viewer { email } }")
    await fetch(`${sandbox.url}/sandbox/sms`)
    const requests = sandbox.requests()
    expect(requests).toEqual([
      { method: "POST", path: "/api/oauth/token", grantType: "password" },
      { method: "POST", path: "/api/graphql", operationType: "query", operationName: "Me", fields: ["viewer"] }
    ])
    expect(JSON.stringify(requests)).not.toContain(demo.password)
  })

  it("is readable and clearable over HTTP", async () => {
    await fetch(`${sandbox.url}/api/oauth/authorize`)
    const listed = await admin("GET", "requests")
    expect(listed.body).toEqual([{ method: "GET", path: "/api/oauth/authorize" }])
    expect((await admin("DELETE", "requests")).status).toBe(204)
    expect(sandbox.requests()).toEqual([])
  })
})

describe("faults", () => {
  it("fails next requests with Retry-After", async () => {
    sandbox.setFaults({ failNext: { count: 2, status: 503, path: "/api/graphql", retryAfterSeconds: 7 } })
    const token = accessTokenOf(await passwordLogin(sandbox, "users"))
    const first = await graphql(sandbox, token, "{ viewer { email } }")
    const second = await fetch(`${sandbox.url}/api/graphql`, { method: "POST" })
    const third = await graphql(sandbox, token, "{ viewer { email } }")
    expect(first.status).toBe(503)
    expect(first.body.errors?.[0]?.extensions).toEqual({ status: 503, type: "SERVICE_UNAVAILABLE" })
    expect(second.status).toBe(503)
    expect(second.headers.get("retry-after")).toBe("7")
    expect(third.status).toBe(200)
    expect(sandbox.requests().filter((request) => request.path === "/api/graphql")).toHaveLength(3)
  })

  it("fails token requests OAuth-style", async () => {
    sandbox.setFaults({ failNext: { count: 1, status: 429, retryAfterSeconds: 1 } })
    const response = await tokenRequest(sandbox, { grant_type: "password" })
    expect(response.status).toBe(429)
    expect(response.headers.get("retry-after")).toBe("1")
    expect(typeof response.body["error"]).toBe("string")
  })

  it("sends an HTML body", async () => {
    sandbox.setFaults({ malformedNext: { count: 1, kind: "html" } })
    const response = await fetch(`${sandbox.url}/api/graphql`, { method: "POST" })
    expect(response.status).toBe(502)
    expect(response.headers.get("content-type")).toBe("text/html")
    expect(await response.text()).toContain("<h1>502 Bad Gateway</h1>")
  })

  it("sends an empty body", async () => {
    sandbox.setFaults({ malformedNext: { count: 1, kind: "empty", status: 200 } })
    const response = await fetch(`${sandbox.url}/api/graphql`, { method: "POST" })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe("")
    const next = await fetch(`${sandbox.url}/api/graphql`, { method: "POST" })
    expect(next.status).toBe(401)
  })

  it("delays responses by the latency", async () => {
    sandbox.setFaults({ latencyMs: 200 })
    const started = Date.now()
    await fetch(`${sandbox.url}/api/graphql`, { method: "POST" })
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
  })

  it("limits requests per minute", async () => {
    sandbox.setFaults({ rateLimitPerMinute: 2 })
    const statuses: Array<number> = []
    let retryAfter: string | null = null
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${sandbox.url}/api/graphql`, { method: "POST" })
      statuses.push(response.status)
      retryAfter = response.headers.get("retry-after")
    }
    expect(statuses).toEqual([401, 401, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
  })

  it("leaves admin requests alone", async () => {
    sandbox.setFaults({ failNext: { count: 1, status: 500 } })
    expect((await admin("GET", "dataset")).status).toBe(200)
    expect((await fetch(`${sandbox.url}/api/graphql`, { method: "POST" })).status).toBe(500)
  })

  it("rejects invalid faults", () => {
    expect(() => sandbox.setFaults({ failNext: { count: 1, status: 200 } })).toThrow(TypeError)
  })
})

describe("admin endpoints", () => {
  it("sets and reads faults", async () => {
    expect((await admin("PUT", "faults", { failNext: { count: 3, status: 502 } })).status).toBe(204)
    await fetch(`${sandbox.url}/api/graphql`, { method: "POST" })
    expect((await admin("GET", "faults")).body).toEqual({ failNext: { count: 2, status: 502 } })
    const invalid = await admin("PUT", "faults", { latencyMs: -1 })
    expect(invalid.status).toBe(400)
    expect((invalid.body as Record<string, unknown>)["error_description"]).toMatch(/latencyMs/)
  })

  it("changes and reads the configuration", async () => {
    expect((await admin("PUT", "config", { accessTokenTtlSeconds: 120, mfa: { delayMs: 10 } })).status).toBe(204)
    const config = (await admin("GET", "config")).body as Record<string, unknown>
    expect(config["accessTokenTtlSeconds"]).toBe(120)
    expect(config["mfa"]).toEqual({ answer: "ignore", delayMs: 10, challengeTtlSeconds: 300 })
    const token = await passwordLogin(sandbox, "users")
    expect(token["expires_in"]).toBe(120)
    sandbox.configure({ accessTokenTtlSeconds: 3600, mfa: { delayMs: 1500 } })
    expect((await admin("PUT", "config", { mfa: { answer: "maybe" } })).status).toBe(400)
    expect((await admin("PUT", "config", { colour: "blue" })).status).toBe(400)
  })

  it("reports the data set", async () => {
    const dataset = (await admin("GET", "dataset")).body as Record<string, number>
    expect(dataset).toEqual(sandbox.dataset())
    expect(dataset["count"]).toBe(120)
  })

  it("injects a transaction", async () => {
    const before = sandbox.dataset()
    const response = await admin("POST", "transactions", {
      amount: 4200,
      name: "Muster GmbH",
      iban: "DE89370400440532013000",
      purpose: "Invoice 2024-001"
    })
    expect(response.status).toBe(201)
    expect((response.body as Record<string, unknown>)["amount"]).toBe(4200)
    const after = sandbox.dataset()
    expect(after.count).toBe(before.count + 1)
    expect(after.sumCents).toBe(before.sumCents + 4200)
    expect(after.balanceCents).toBe(before.balanceCents + 4200)
  })

  it("rejects an invalid injected transaction", async () => {
    const response = await admin("POST", "transactions", { amount: "12", name: "x", iban: "y", purpose: "z" })
    expect(response.status).toBe(400)
    const bad = await admin("POST", "transactions", "not json")
    expect(bad.status).toBe(400)
  })

  it("answers challenges", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers"))
    const created = await fetch(`${sandbox.url}/api/user/mfa/challenges`, { method: "POST", headers: { authorization: `Bearer ${token}` } })
    const { id } = (await created.json()) as { id: string }
    const listed = (await admin("GET", "challenges")).body as Array<{ id: string; status: string }>
    expect(listed.find((challenge) => challenge.id === id)?.status).toBe("PENDING")
    expect((await admin("POST", `challenges/${id}`, { status: "VERIFIED" })).status).toBe(204)
    expect((await admin("POST", `challenges/${id}`, { status: "DENIED" })).status).toBe(409)
    expect((await admin("POST", "challenges/unknown", { status: "DENIED" })).status).toBe(404)
    expect((await admin("POST", `challenges/${id}`, { status: "LATER" })).status).toBe(400)
  })

  it("lists the SMS outbox", async () => {
    const response = await admin("GET", "sms")
    expect(response.status).toBe(200)
    expect(response.body).toEqual(sandbox.sms())
  })

  it("answers unknown admin paths with 404", async () => {
    expect((await admin("GET", "nothing")).status).toBe(404)
    expect((await admin("POST", "sms")).status).toBe(405)
  })
})
