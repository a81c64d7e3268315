import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { demo, start } from "../src/index.js"
import type { RunningSandbox } from "../src/index.js"
import { pkceChallenge } from "../src/OAuth.js"
import { accessTokenOf, authorizeQuery, graphql, loginForCode, passwordLogin, submitLogin, tokenRequest } from "./requests.js"

const rfc7636Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
const rfc7636Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await start({ port: 0, transactions: 50 })
})

afterAll(async () => {
  await sandbox.close()
})

const codeGrant = (code: string, extra: Record<string, string>) => ({
  grant_type: "authorization_code",
  code,
  client_id: demo.clientId,
  redirect_uri: "http://127.0.0.1:9999/callback",
  ...extra
})

describe("token endpoint", () => {
  it("computes the RFC 7636 appendix B challenge", () => {
    expect(pkceChallenge(rfc7636Verifier)).toBe(rfc7636Challenge)
  })

  it("exchanges a code with the client secret", async () => {
    const code = await loginForCode(sandbox)
    const response = await tokenRequest(sandbox, codeGrant(code, { client_secret: demo.clientSecret }))
    expect(response.status).toBe(200)
    expect(response.body["token_type"]).toBe("Bearer")
    expect(response.body["expires_in"]).toBe(3600)
    expect(response.body["scope"]).toBe("offline transactions")
    expect(typeof response.body["access_token"]).toBe("string")
    expect(typeof response.body["refresh_token"]).toBe("string")
    expect(response.headers.get("cache-control")).toBe("no-store")
  })

  it("accepts the secret in a Basic header", async () => {
    const code = await loginForCode(sandbox)
    const basic = Buffer.from(`${demo.clientId}:${demo.clientSecret}`).toString("base64")
    const response = await tokenRequest(sandbox, codeGrant(code, {}), { authorization: `Basic ${basic}` })
    expect(response.status).toBe(200)
  })

  it("exchanges a code with PKCE", async () => {
    const code = await loginForCode(sandbox, { codeChallenge: rfc7636Challenge })
    const response = await tokenRequest(sandbox, codeGrant(code, { code_verifier: rfc7636Verifier }))
    expect(response.status).toBe(200)
    expect(typeof response.body["access_token"]).toBe("string")
  })

  it("omits refresh token for http PKCE", async () => {
    const code = await loginForCode(sandbox, { codeChallenge: rfc7636Challenge, scope: "transactions offline" })
    const response = await tokenRequest(sandbox, codeGrant(code, { code_verifier: rfc7636Verifier }))
    expect(response.status).toBe(200)
    expect(response.body["refresh_token"]).toBeUndefined()
  })

  it("refreshes custom-scheme PKCE tokens", async () => {
    const redirectUri = "kontist-sandbox://callback"
    const code = await loginForCode(sandbox, { codeChallenge: rfc7636Challenge, redirectUri })
    const response = await tokenRequest(sandbox, codeGrant(code, { code_verifier: rfc7636Verifier, redirect_uri: redirectUri }))
    expect(response.status).toBe(200)
    const refreshToken = response.body["refresh_token"]
    expect(typeof refreshToken).toBe("string")

    const refreshed = await tokenRequest(sandbox, {
      grant_type: "refresh_token",
      client_id: demo.clientId,
      refresh_token: String(refreshToken)
    })
    expect(refreshed.status).toBe(200)
  })

  it("rejects a wrong client secret with 401", async () => {
    const response = await tokenRequest(sandbox, {
      grant_type: "password",
      client_id: demo.clientId,
      client_secret: "wrong",
      username: demo.username,
      password: demo.password
    })
    expect(response.status).toBe(401)
    expect(response.body["error"]).toBe("invalid_client")
    expect(typeof response.body["error_description"]).toBe("string")
  })

  it("challenges a wrong Basic secret", async () => {
    const basic = Buffer.from(`${demo.clientId}:wrong`).toString("base64")
    const response = await tokenRequest(
      sandbox,
      { grant_type: "password", username: demo.username, password: demo.password },
      { authorization: `Basic ${basic}` }
    )
    expect(response.status).toBe(401)
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic/)
  })

  it("rejects malformed Basic credentials", async () => {
    const response = await tokenRequest(
      sandbox,
      { grant_type: "password", username: demo.username, password: demo.password },
      { authorization: `Basic ${Buffer.from("no-separator").toString("base64")}` }
    )
    expect(response.status).toBe(401)
    expect(response.body["error"]).toBe("invalid_client")
  })

  it("rejects an unknown client with 401", async () => {
    const response = await tokenRequest(sandbox, { grant_type: "password", client_id: "other", client_secret: "x" })
    expect(response.status).toBe(401)
    expect(response.body["error"]).toBe("invalid_client")
  })

  it("requires secret or verifier", async () => {
    const code = await loginForCode(sandbox)
    const response = await tokenRequest(sandbox, codeGrant(code, {}))
    expect(response.status).toBe(401)
    expect(response.body["error"]).toBe("invalid_client")
  })

  it("rejects an unknown code", async () => {
    const response = await tokenRequest(sandbox, codeGrant("not-a-code", { client_secret: demo.clientSecret }))
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("invalid_grant")
  })

  it("accepts a code only once", async () => {
    const code = await loginForCode(sandbox)
    const first = await tokenRequest(sandbox, codeGrant(code, { client_secret: demo.clientSecret }))
    const second = await tokenRequest(sandbox, codeGrant(code, { client_secret: demo.clientSecret }))
    expect(first.status).toBe(200)
    expect(second.status).toBe(400)
    expect(second.body["error"]).toBe("invalid_grant")
  })

  it("rejects a different redirect_uri", async () => {
    const code = await loginForCode(sandbox)
    const response = await tokenRequest(
      sandbox,
      codeGrant(code, { client_secret: demo.clientSecret, redirect_uri: "http://127.0.0.1:9999/other" })
    )
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("invalid_grant")
  })

  it("rejects a wrong verifier", async () => {
    const code = await loginForCode(sandbox, { codeChallenge: rfc7636Challenge })
    const response = await tokenRequest(sandbox, codeGrant(code, { code_verifier: "x".repeat(43) }))
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("invalid_grant")
  })

  it("requires the verifier after a challenge", async () => {
    const code = await loginForCode(sandbox, { codeChallenge: rfc7636Challenge })
    const response = await tokenRequest(sandbox, codeGrant(code, { client_secret: demo.clientSecret }))
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("invalid_grant")
  })

  it("rejects a malformed verifier", async () => {
    const code = await loginForCode(sandbox, { codeChallenge: rfc7636Challenge })
    const response = await tokenRequest(sandbox, codeGrant(code, { code_verifier: "short" }))
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("invalid_request")
  })

  it("rejects an unsupported grant type", async () => {
    const response = await tokenRequest(sandbox, {
      grant_type: "client_credentials",
      client_id: demo.clientId,
      client_secret: demo.clientSecret
    })
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("unsupported_grant_type")
  })

  it("rejects a missing grant type", async () => {
    const response = await tokenRequest(sandbox, { client_id: demo.clientId })
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("invalid_request")
  })

  it("rejects a JSON body", async () => {
    const response = await fetch(`${sandbox.url}/api/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "password" })
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as Record<string, unknown>)["error"]).toBe("invalid_request")
  })

  it("rejects a repeated parameter", async () => {
    const response = await fetch(`${sandbox.url}/api/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=password&grant_type=password"
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as Record<string, unknown>)["error"]).toBe("invalid_request")
  })

  it("rejects an unknown scope", async () => {
    const response = await tokenRequest(sandbox, {
      grant_type: "password",
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      username: demo.username,
      password: demo.password,
      scope: "transactions admin"
    })
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("invalid_scope")
  })

  it("rejects a wrong password", async () => {
    const response = await tokenRequest(sandbox, {
      grant_type: "password",
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      username: demo.username,
      password: "wrong"
    })
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("invalid_grant")
  })

  it("rejects the password grant without a secret", async () => {
    const response = await tokenRequest(sandbox, {
      grant_type: "password",
      client_id: demo.clientId,
      username: demo.username,
      password: demo.password
    })
    expect(response.status).toBe(401)
    expect(response.body["error"]).toBe("invalid_client")
  })

  it("grants every scope without a scope parameter", async () => {
    const response = await tokenRequest(sandbox, {
      grant_type: "password",
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      username: demo.username,
      password: demo.password
    })
    expect(response.status).toBe(200)
    expect(response.body["scope"]).toBe("accounts clients offline statements subscriptions transactions transfers users")
  })
})

describe("refresh grant", () => {
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    tokenRequest(sandbox, {
      grant_type: "refresh_token",
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      refresh_token: refreshToken,
      ...extra
    })

  it("issues no refresh token without offline", async () => {
    const body = await passwordLogin(sandbox, "transactions")
    expect(body["refresh_token"]).toBeUndefined()
  })

  it("rejects an unknown refresh token", async () => {
    const response = await refresh("not-a-refresh-token")
    expect(response.status).toBe(400)
    expect(response.body["error"]).toBe("invalid_grant")
  })

  it("reuses refresh tokens", async () => {
    const body = await passwordLogin(sandbox, "transactions offline")
    const refreshToken = String(body["refresh_token"])
    const first = await refresh(refreshToken)
    const second = await refresh(refreshToken)
    expect(first.status).toBe(200)
    expect(second.status).toBe(200)
    expect(first.body["refresh_token"]).toBeUndefined()
    expect(first.body["access_token"]).not.toBe(second.body["access_token"])
    expect(first.body["scope"]).toBe("offline transactions")
  })

  it("requires the secret to refresh", async () => {
    const body = await passwordLogin(sandbox, "transactions offline")
    const response = await tokenRequest(sandbox, {
      grant_type: "refresh_token",
      client_id: demo.clientId,
      refresh_token: String(body["refresh_token"])
    })
    expect(response.status).toBe(401)
    expect(response.body["error"]).toBe("invalid_client")
  })

  it("narrows but never widens scopes", async () => {
    const body = await passwordLogin(sandbox, "transactions accounts offline")
    const refreshToken = String(body["refresh_token"])
    const narrower = await refresh(refreshToken, { scope: "transactions" })
    const wider = await refresh(refreshToken, { scope: "transactions transfers" })
    expect(narrower.status).toBe(200)
    expect(narrower.body["scope"]).toBe("transactions")
    expect(wider.status).toBe(400)
    expect(wider.body["error"]).toBe("invalid_scope")
  })
})

describe("access token expiry", () => {
  it("rejects expired, accepts refreshed token", async () => {
    sandbox.configure({ accessTokenTtlSeconds: 0 })
    const body = await passwordLogin(sandbox, "users offline")
    sandbox.configure({ accessTokenTtlSeconds: 3600 })
    expect(body["expires_in"]).toBe(0)

    const expired = await graphql(sandbox, accessTokenOf(body), "{ viewer { email } }")
    expect(expired.status).toBe(401)
    expect(expired.body.errors?.[0]?.extensions).toEqual({ status: 401, type: "UNAUTHORIZED" })
    expect(expired.body.errors?.[0]?.message).toMatch(/expired/)

    const refreshed = await tokenRequest(sandbox, {
      grant_type: "refresh_token",
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      refresh_token: String(body["refresh_token"])
    })
    expect(refreshed.body["expires_in"]).toBe(3600)
    const fresh = await graphql(sandbox, accessTokenOf(refreshed.body), "{ viewer { email } }")
    expect(fresh.status).toBe(200)
  })
})

describe("authorization endpoint", () => {
  it("serves the login form", async () => {
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${authorizeQuery({ state: "a&b\"c" }).toString()}`)
    const page = await response.text()
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/html/)
    expect(page).toContain("<form method=\"post\"")
    expect(page).toContain("name=\"username\"")
    expect(page).toContain("name=\"password\"")
    expect(page).toContain("id=\"login\"")
    expect(page).toContain("<input type=\"hidden\" name=\"state\" value=\"a&amp;b&quot;c\">")
    expect(response.headers.get("x-frame-options")).toBeNull()
    expect(page).toContain("<link rel=\"icon\" href=\"data:,\">")
  })

  it("redirects with code and state after login", async () => {
    const response = await submitLogin(sandbox, authorizeQuery({ state: "a&b c" }))
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get("location")!)
    expect(location.origin + location.pathname).toBe("http://127.0.0.1:9999/callback")
    expect(location.searchParams.get("state")).toBe("a&b c")
    expect(location.searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const cookie = response.headers.get("set-cookie") ?? ""
    expect(cookie).toMatch(/^kontist_sandbox_session=[A-Za-z0-9_-]+;/)
    expect(cookie).toContain("HttpOnly")
    expect(cookie).toContain("SameSite=Lax")
    expect(cookie).not.toContain("Secure")
  })

  it("shows the form after a wrong password", async () => {
    const response = await submitLogin(sandbox, authorizeQuery(), "wrong")
    const page = await response.text()
    expect(response.status).toBe(401)
    expect(response.headers.get("set-cookie")).toBeNull()
    expect(page).toContain("id=\"error\"")
    expect(page).toContain("<form method=\"post\"")
  })

  it("keeps the redirect URI's query", async () => {
    const response = await submitLogin(sandbox, authorizeQuery({ redirectUri: "http://localhost:8080/cb?tab=1" }))
    const location = new URL(response.headers.get("location")!)
    expect(location.searchParams.get("tab")).toBe("1")
    expect(location.searchParams.get("code")).not.toBeNull()
  })

  it("issues a code for prompt=none with a session", async () => {
    const login = await submitLogin(sandbox, authorizeQuery())
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!
    const query = authorizeQuery({ state: "silent", extra: { prompt: "none" } })
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`, {
      headers: { cookie },
      redirect: "manual"
    })
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get("location")!)
    expect(location.searchParams.get("state")).toBe("silent")
    const code = location.searchParams.get("code")!
    const token = await tokenRequest(sandbox, codeGrant(code, { client_secret: demo.clientSecret }))
    expect(token.status).toBe(200)
  })

  it("returns login_required without a session", async () => {
    const query = authorizeQuery({ state: "silent", extra: { prompt: "none" } })
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`, { redirect: "manual" })
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get("location")!)
    expect(location.searchParams.get("error")).toBe("login_required")
    expect(location.searchParams.get("state")).toBe("silent")
    expect(location.searchParams.get("code")).toBeNull()
  })

  it("posts the code as web_message", async () => {
    const login = await submitLogin(sandbox, authorizeQuery())
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!
    const query = authorizeQuery({
      redirectUri: "http://127.0.0.1:5173/app",
      state: "s</script>",
      extra: { prompt: "none", response_mode: "web_message" }
    })
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`, { headers: { cookie } })
    const page = await response.text()
    expect(response.status).toBe(200)
    const match = /window\.parent\.postMessage\((.*), "http:\/\/127\.0\.0\.1:5173"\);/.exec(page)
    expect(match).not.toBeNull()
    expect(page).not.toContain("s</script>")
    const message = JSON.parse(match![1]!) as { response: { code: string; state: string } }
    expect(message.response.state).toBe("s</script>")
    expect(message.response.code).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it("posts login_required as web_message", async () => {
    const query = authorizeQuery({
      redirectUri: "http://127.0.0.1:5173/app",
      state: "s1",
      extra: { prompt: "none", response_mode: "web_message" }
    })
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`)
    const page = await response.text()
    const match = /window\.parent\.postMessage\((.*), "http:\/\/127\.0\.0\.1:5173"\);/.exec(page)
    expect(match).not.toBeNull()
    const message = JSON.parse(match![1]!) as Record<string, unknown>
    expect(message["error"]).toBe("login_required")
    expect(message["state"]).toBe("s1")
    expect(message["response"]).toBeUndefined()
  })

  it("rejects an unregistered redirect URI", async () => {
    const query = authorizeQuery({ redirectUri: "https://evil.example/callback" })
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`, { redirect: "manual" })
    expect(response.status).toBe(400)
    expect(response.headers.get("location")).toBeNull()
    expect(await response.text()).toContain("is not registered")
  })

  it("rejects an unknown client on a page", async () => {
    const query = authorizeQuery({ extra: { client_id: "other" } })
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`, { redirect: "manual" })
    expect(response.status).toBe(400)
    expect(response.headers.get("location")).toBeNull()
  })

  it("redirects an invalid scope with invalid_scope", async () => {
    const query = authorizeQuery({ scope: "everything" })
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`, { redirect: "manual" })
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get("location")!)
    expect(location.searchParams.get("error")).toBe("invalid_scope")
    expect(location.searchParams.get("state")).toBe("state-123")
  })

  it("rejects the plain challenge method", async () => {
    const query = authorizeQuery({ extra: { code_challenge: rfc7636Challenge, code_challenge_method: "plain" } })
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`, { redirect: "manual" })
    const location = new URL(response.headers.get("location")!)
    expect(location.searchParams.get("error")).toBe("invalid_request")
  })

  it("redirects an unsupported response type", async () => {
    const query = authorizeQuery({ extra: { response_type: "token" } })
    const response = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`, { redirect: "manual" })
    const location = new URL(response.headers.get("location")!)
    expect(location.searchParams.get("error")).toBe("unsupported_response_type")
  })
})
