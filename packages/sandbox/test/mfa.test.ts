import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { demo, start } from "../src/index.js"
import type { RunningSandbox } from "../src/index.js"
import { accessTokenOf, passwordLogin, sleep, tokenRequest, waitFor } from "./requests.js"

let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await start({ port: 0, transactions: 50, mfa: { delayMs: 50 } })
})

afterAll(async () => {
  await sandbox.close()
})

beforeEach(() => {
  sandbox.configure({ mfa: { answer: "approve", delayMs: 50, challengeTtlSeconds: 300 } })
})

interface Challenge {
  readonly id: string
  readonly status: string
  readonly expiresAt: string
}

const call = async (token: string | undefined, method: string, path: string) => {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` }
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: (text === "" ? undefined : JSON.parse(text)) as Record<string, unknown> }
}

const createChallenge = async (token: string): Promise<Challenge> => {
  const response = await call(token, "POST", "/api/user/mfa/challenges")
  expect(response.status).toBe(201)
  return response.body as unknown as Challenge
}

const challengeStatus = async (token: string, id: string): Promise<string> =>
  String((await call(token, "GET", `/api/user/mfa/challenges/${id}`)).body["status"])

describe("MFA challenges", () => {
  it("creates a pending challenge with an expiry", async () => {
    sandbox.configure({ mfa: { answer: "ignore" } })
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers offline"))
    const before = Date.now()
    const challenge = await createChallenge(token)
    expect(challenge.status).toBe("PENDING")
    expect(challenge.id).toMatch(/^[0-9a-f-]{36}$/)
    const expiresAt = Date.parse(challenge.expiresAt)
    expect(expiresAt).toBeGreaterThanOrEqual(before + 299_000)
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 300_000)
  })

  it("approved by phone, exchanged once", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers offline"))
    const challenge = await createChallenge(token)
    await waitFor(async () => (await challengeStatus(token, challenge.id)) === "VERIFIED")

    const exchange = await call(token, "POST", `/api/user/mfa/challenges/${challenge.id}/token`)
    expect(exchange.status).toBe(201)
    expect(typeof exchange.body["token"]).toBe("string")
    expect(typeof exchange.body["refresh_token"]).toBe("string")

    const again = await call(token, "POST", `/api/user/mfa/challenges/${challenge.id}/token`)
    expect(again.status).toBe(400)
    expect(again.body["error"]).toBe("challenge_already_used")
    expect(typeof again.body["error_description"]).toBe("string")
  })

  it("omits refresh token without offline", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers"))
    const challenge = await createChallenge(token)
    await waitFor(async () => (await challengeStatus(token, challenge.id)) === "VERIFIED")
    const exchange = await call(token, "POST", `/api/user/mfa/challenges/${challenge.id}/token`)
    expect(exchange.status).toBe(201)
    expect(exchange.body["refresh_token"]).toBeUndefined()
  })

  it("is denied by the simulated phone", async () => {
    sandbox.configure({ mfa: { answer: "deny" } })
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers"))
    const challenge = await createChallenge(token)
    await waitFor(async () => (await challengeStatus(token, challenge.id)) === "DENIED")
    const exchange = await call(token, "POST", `/api/user/mfa/challenges/${challenge.id}/token`)
    expect(exchange.status).toBe(400)
    expect(exchange.body["error"]).toBe("challenge_denied")
  })

  it("stays pending when the phone ignores it", async () => {
    sandbox.configure({ mfa: { answer: "ignore" } })
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers"))
    const challenge = await createChallenge(token)
    await sleep(150)
    expect(await challengeStatus(token, challenge.id)).toBe("PENDING")
    const exchange = await call(token, "POST", `/api/user/mfa/challenges/${challenge.id}/token`)
    expect(exchange.status).toBe(400)
    expect(exchange.body["error"]).toBe("challenge_pending")
  })

  it("expires without exchange", async () => {
    sandbox.configure({ mfa: { answer: "approve", delayMs: 400, challengeTtlSeconds: 0.2 } })
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers"))
    const challenge = await createChallenge(token)
    await sleep(600)
    expect(await challengeStatus(token, challenge.id)).toBe("PENDING")
    expect(Date.parse(challenge.expiresAt)).toBeLessThan(Date.now())
    const exchange = await call(token, "POST", `/api/user/mfa/challenges/${challenge.id}/token`)
    expect(exchange.status).toBe(400)
    expect(exchange.body["error"]).toBe("challenge_expired")
  })

  it("is answered through answerChallenge", async () => {
    sandbox.configure({ mfa: { answer: "ignore" } })
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers"))
    const challenge = await createChallenge(token)
    sandbox.answerChallenge(challenge.id, "VERIFIED")
    expect(await challengeStatus(token, challenge.id)).toBe("VERIFIED")
    expect(() => sandbox.answerChallenge(challenge.id, "DENIED")).toThrow(/already VERIFIED/)
    expect(() => sandbox.answerChallenge("missing", "DENIED")).toThrow(/not found/)
  })

  it("lists pending challenges", async () => {
    sandbox.configure({ mfa: { answer: "ignore" } })
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers"))
    const challenge = await createChallenge(token)
    const list = await call(token, "GET", "/api/user/mfa/challenges")
    expect(list.status).toBe(200)
    expect((list.body as unknown as Array<Challenge>).map((entry) => entry.id)).toContain(challenge.id)
  })

  it("rejects requests without a valid token", async () => {
    const missing = await call(undefined, "POST", "/api/user/mfa/challenges")
    expect(missing.status).toBe(401)
    expect(missing.body["error"]).toBe("invalid_token")
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/)
    const unknown = await call("nope", "GET", "/api/user/mfa/challenges/some-id")
    expect(unknown.status).toBe(401)
  })

  it("returns 404 for an unknown challenge", async () => {
    const token = accessTokenOf(await passwordLogin(sandbox, "transfers"))
    const response = await call(token, "GET", "/api/user/mfa/challenges/00000000-0000-0000-0000-000000000000")
    expect(response.status).toBe(404)
    expect(response.body["error"]).toBe("not_found")
  })

  it("lets a confirmed token answer by PATCH", async () => {
    sandbox.configure({ mfa: { answer: "ignore" } })
    const unconfirmed = accessTokenOf(await passwordLogin(sandbox, "transfers"))
    const first = await createChallenge(unconfirmed)
    sandbox.answerChallenge(first.id, "VERIFIED")
    const confirmed = String((await call(unconfirmed, "POST", `/api/user/mfa/challenges/${first.id}/token`)).body["token"])

    const second = await createChallenge(unconfirmed)
    const patch = (token: string, status: string) =>
      fetch(`${sandbox.url}/api/user/mfa/challenges/${second.id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ status })
      })
    expect((await patch(unconfirmed, "DENIED")).status).toBe(403)
    expect((await patch(confirmed, "MAYBE")).status).toBe(400)
    expect((await patch(confirmed, "DENIED")).status).toBe(204)
    expect(await challengeStatus(unconfirmed, second.id)).toBe("DENIED")
  })
})

describe("confirmed tokens", () => {
  it("refresh into confirmed access tokens", async () => {
    sandbox.configure({ mfa: { answer: "ignore" } })
    const login = await passwordLogin(sandbox, "transfers offline")
    const token = accessTokenOf(login)
    const challenge = await createChallenge(token)
    sandbox.answerChallenge(challenge.id, "VERIFIED")
    const exchange = await call(token, "POST", `/api/user/mfa/challenges/${challenge.id}/token`)
    const confirmedRefreshToken = String(exchange.body["refresh_token"])
    expect(confirmedRefreshToken).not.toBe(login["refresh_token"])

    const refreshed = await tokenRequest(sandbox, {
      grant_type: "refresh_token",
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      refresh_token: confirmedRefreshToken
    })
    expect(refreshed.status).toBe(200)
    expect(refreshed.body["scope"]).toBe("offline transfers")

    // Only a confirmed token may approve a challenge by PATCH, so this shows the refreshed token is confirmed.
    const probe = await createChallenge(token)
    const patch = await fetch(`${sandbox.url}/api/user/mfa/challenges/${probe.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${accessTokenOf(refreshed.body)}`, "content-type": "application/json" },
      body: JSON.stringify({ status: "VERIFIED" })
    })
    expect(patch.status).toBe(204)

    const unconfirmedRefresh = await tokenRequest(sandbox, {
      grant_type: "refresh_token",
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      refresh_token: String(login["refresh_token"])
    })
    const other = await createChallenge(token)
    const rejected = await fetch(`${sandbox.url}/api/user/mfa/challenges/${other.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${accessTokenOf(unconfirmedRefresh.body)}`, "content-type": "application/json" },
      body: JSON.stringify({ status: "VERIFIED" })
    })
    expect(rejected.status).toBe(403)
  })
})
