import { createHash } from "node:crypto"
import { inspect } from "node:util"
import { demo } from "@kontist/sandbox"
import { describe, expect, it } from "vitest"
import {
  ChallengeDenied,
  KontistToken,
  MFAConfirmationCanceled,
  MFAConfirmationCanceledError,
  OAuthError
} from "../src/node.js"
import { logInThroughForm, redirectUri, useSandbox, waitFor } from "./support.js"

// RFC 7636 appendix B.
const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

const viewerQuery = "query Viewer { viewer { email } }"

describe("client.auth", () => {
  const { loggedInClient, newClient, sandbox } = useSandbox({ transactions: 20, mfa: { delayMs: 50 } })

  it("getAuthUri and fetchToken with a secret", async () => {
    const client = newClient()
    const authUri = await client.auth.getAuthUri()
    const url = new URL(authUri)
    expect(url.origin + url.pathname).toBe(`${sandbox().url}/api/oauth/authorize`)
    expect(url.searchParams.get("client_id")).toBe(demo.clientId)
    expect(url.searchParams.get("redirect_uri")).toBe(redirectUri)
    expect(url.searchParams.has("code_challenge")).toBe(false)

    const token = await client.auth.fetchToken(await logInThroughForm(authUri))
    expect(token).toBeInstanceOf(KontistToken)
    expect(typeof token.accessToken).toBe("string")
    expect(typeof token.refreshToken).toBe("string")
    expect(token.tokenType).toBe("bearer")
    expect(token.expires.getTime()).toBeGreaterThan(Date.now())
    expect(token.expired()).toBe(false)
    expect(token.scopes).toContain("transactions")
    expect(token.confirmed).toBe(false)

    const data = await client.graphQL.rawQuery(viewerQuery)
    expect(data.viewer.email).toBe(demo.username)
  })

  it("PKCE with the caller's verifier across two clients", async () => {
    const options = { clientSecret: undefined, verifier, state: "state-from-session-storage" }
    const authUri = await newClient(options).auth.getAuthUri()
    const url = new URL(authUri)
    expect(url.searchParams.get("code_challenge")).toBe(challenge)
    expect(url.searchParams.get("code_challenge_method")).toBe("S256")
    expect(url.searchParams.get("state")).toBe("state-from-session-storage")

    const callbackClient = newClient(options)
    const token = await callbackClient.auth.fetchToken(await logInThroughForm(authUri))
    expect(token.accessToken.length).toBeGreaterThan(0)
    // PKCE with an http redirect URI gets no refresh token.
    expect(token.refreshToken).toBeUndefined()
    expect((await callbackClient.graphQL.rawQuery(viewerQuery)).viewer.email).toBe(demo.username)
  })

  it("PKCE with a generated verifier on one client", async () => {
    const client = newClient({ clientSecret: undefined })
    const authUri = await client.auth.getAuthUri()
    const generatedChallenge = new URL(authUri).searchParams.get("code_challenge")
    expect(generatedChallenge).not.toBeNull()
    expect(generatedChallenge).not.toBe(createHash("sha256").update(verifier).digest("base64url"))

    const token = await client.auth.fetchToken(await logInThroughForm(authUri))
    expect(token.accessToken.length).toBeGreaterThan(0)
  })

  it("fetchToken on a new client with the configured state", async () => {
    const authUri = await newClient({ state: "server-side-state" }).auth.getAuthUri()
    expect(new URL(authUri).searchParams.get("state")).toBe("server-side-state")

    // A server that handles the callback in another process builds a new client.
    const token = await newClient({ state: "server-side-state" }).auth.fetchToken(await logInThroughForm(authUri))
    expect(typeof token.refreshToken).toBe("string")
  })

  it("fetchToken rejects a foreign state", async () => {
    const client = newClient()
    const callback = new URL(await logInThroughForm(await client.auth.getAuthUri()))
    callback.searchParams.set("state", "forged")

    const error = await client.auth.fetchToken(callback.href).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OAuthError)
    expect((error as OAuthError).error).toBe("state_mismatch")
  })

  it("fetchTokenFromCredentials logs in", async () => {
    const token = await newClient().auth.fetchTokenFromCredentials({ username: demo.username, password: demo.password })
    expect(token.accessToken.length).toBeGreaterThan(0)
    expect(typeof token.refreshToken).toBe("string")
  })

  it("setToken makes the next call use the token", async () => {
    const source = await loggedInClient()
    const { accessToken, refreshToken } = await source.auth.refresh()

    const client = newClient()
    // Not awaited on purpose: the classic setToken is synchronous.
    void client.auth.setToken(accessToken, refreshToken)
    const data = await client.graphQL.rawQuery(viewerQuery)
    expect(data.viewer.email).toBe(demo.username)

    const token = await client.auth.setToken(accessToken)
    expect(token.accessToken).toBe(accessToken)
    expect(token.refreshToken).toBeUndefined()
    expect(token.scopes).toEqual(expect.arrayContaining(["transactions", "offline"]))
  })

  it("token.refresh and auth.refresh renew the token", async () => {
    const client = await loggedInClient()
    const first = await client.auth.refresh()
    sandbox().clearRequests()

    const second = await first.refresh()
    const third = await client.auth.refresh()
    expect(new Set([first.accessToken, second.accessToken, third.accessToken]).size).toBe(3)
    // The sandbox issues no new refresh token on refresh; the stored one is kept.
    expect(third.refreshToken).toBe(first.refreshToken)
    expect(sandbox().requests().map((request) => request.grantType)).toEqual(["refresh_token", "refresh_token"])
  })

  it("token hides its secrets from toString and inspect", async () => {
    const token = await (await loggedInClient()).auth.refresh()
    expect(String(token)).not.toContain(token.accessToken)
    expect(inspect(token)).not.toContain(token.accessToken)
    expect(inspect(token)).not.toContain(token.refreshToken)
    expect(inspect(token)).toContain("<redacted>")
  })

  it("token hides its secrets from JSON.stringify", async () => {
    const token = await (await loggedInClient()).auth.refresh()
    const json = JSON.stringify(token)

    expect(json).not.toContain(token.accessToken)
    expect(json).not.toContain(token.refreshToken)
    expect(JSON.parse(json)).toEqual({
      accessToken: "<redacted>",
      refreshToken: "<redacted>",
      tokenType: "bearer",
      expires: token.expires.toISOString(),
      scopes: token.scopes,
      confirmed: token.confirmed
    })
  })

  it("token keeps its secrets readable as properties", async () => {
    const token = await (await loggedInClient()).auth.refresh()
    JSON.stringify(token)

    expect(token.accessToken).not.toBe("<redacted>")
    expect(token.accessToken.length).toBeGreaterThan(0)
    expect(typeof token.refreshToken).toBe("string")
    expect(token.refreshToken).not.toBe("<redacted>")
  })

  it("getMFAConfirmedToken returns a confirmed token", async () => {
    sandbox().configure({ mfa: { answer: "approve", delayMs: 50 } })
    const client = await loggedInClient()

    const token = await client.auth.getMFAConfirmedToken()
    expect(token.confirmed).toBe(true)
    expect(typeof token.refreshToken).toBe("string")
  })

  it("getMFAConfirmedToken rejects a denied challenge", async () => {
    sandbox().configure({ mfa: { answer: "deny", delayMs: 50 } })
    const client = await loggedInClient()

    const error = await client.auth.getMFAConfirmedToken().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ChallengeDenied)
  })

  it("cancelMFAConfirmation rejects the pending wait", async () => {
    sandbox().configure({ mfa: { answer: "ignore" } })
    const client = await loggedInClient()
    sandbox().clearRequests()

    const pending = client.auth.getMFAConfirmedToken()
    await waitFor("the push challenge", () =>
      sandbox().requests().some((request) => request.method === "POST" && request.path === "/api/user/mfa/challenges"))
    await client.auth.cancelMFAConfirmation()

    const error = await pending.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MFAConfirmationCanceledError)
    expect(error).toBeInstanceOf(MFAConfirmationCanceled)
    expect((error as MFAConfirmationCanceledError).name).toBe("MFAConfirmationCanceledError")
    expect((error as MFAConfirmationCanceledError)._tag).toBe("MFAConfirmationCanceled")
    expect((error as MFAConfirmationCanceledError).message).toBe("MFA confirmation was cancelled")
  })

  it("cancelMFAConfirmation without a pending wait does nothing", async () => {
    await expect(newClient().auth.cancelMFAConfirmation()).resolves.toBeUndefined()
  })
})
