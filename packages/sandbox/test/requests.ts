/**
 * Shared steps of the sandbox tests: token requests and the browser login
 * flow, done with `fetch` over loopback.
 */
import { demo } from "../src/index.js"
import type { RunningSandbox } from "../src/index.js"

export interface TokenResponse {
  readonly status: number
  readonly body: Record<string, unknown>
  readonly headers: Headers
}

/** POSTs a form to `/api/oauth/token`. */
export const tokenRequest = async (
  sandbox: RunningSandbox,
  parameters: Record<string, string>,
  headers: Record<string, string> = {}
): Promise<TokenResponse> => {
  const response = await fetch(`${sandbox.url}/api/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(parameters).toString()
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers }
}

/** Logs in with the password grant and returns the token response body; fails the test on an error. */
export const passwordLogin = async (sandbox: RunningSandbox, scope: string): Promise<Record<string, unknown>> => {
  const response = await tokenRequest(sandbox, {
    grant_type: "password",
    client_id: demo.clientId,
    client_secret: demo.clientSecret,
    username: demo.username,
    password: demo.password,
    scope
  })
  if (response.status !== 200) {
    throw new Error(`Password login failed with ${response.status}: ${JSON.stringify(response.body)}`)
  }
  return response.body
}

export const accessTokenOf = (body: Record<string, unknown>): string => {
  const token = body["access_token"]
  if (typeof token !== "string") {
    throw new Error(`No access_token in ${JSON.stringify(body)}`)
  }
  return token
}

export interface AuthorizeOptions {
  readonly redirectUri?: string
  readonly scope?: string
  readonly state?: string
  readonly codeChallenge?: string
  readonly extra?: Record<string, string>
}

/** Builds the query of an authorization request for the demo client. */
export const authorizeQuery = (options: AuthorizeOptions = {}): URLSearchParams => {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: demo.clientId,
    redirect_uri: options.redirectUri ?? "http://127.0.0.1:9999/callback",
    scope: options.scope ?? "transactions offline",
    state: options.state ?? "state-123"
  })
  if (options.codeChallenge !== undefined) {
    query.set("code_challenge", options.codeChallenge)
    query.set("code_challenge_method", "S256")
  }
  for (const [name, value] of Object.entries(options.extra ?? {})) {
    query.set(name, value)
  }
  return query
}

/** Reads the hidden inputs of the login form, as a browser would submit them. */
export const hiddenFields = (page: string): URLSearchParams => {
  const fields = new URLSearchParams()
  for (const match of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    const unescape = (text: string) =>
      text.replaceAll("&quot;", "\"").replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&")
    fields.append(unescape(match[1]!), unescape(match[2]!))
  }
  return fields
}

/** Submits the login form for `query` with the given password; returns the raw response (redirects not followed). */
export const submitLogin = async (
  sandbox: RunningSandbox,
  query: URLSearchParams,
  password: string = demo.password
): Promise<Response> => {
  const form = await fetch(`${sandbox.url}/api/oauth/authorize?${query.toString()}`)
  const fields = hiddenFields(await form.text())
  fields.set("username", demo.username)
  fields.set("password", password)
  return fetch(`${sandbox.url}/api/oauth/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: fields.toString(),
    redirect: "manual"
  })
}

/** Logs in through the form and returns the authorization code from the redirect. */
export const loginForCode = async (sandbox: RunningSandbox, options: AuthorizeOptions = {}): Promise<string> => {
  const response = await submitLogin(sandbox, authorizeQuery(options))
  const location = response.headers.get("location")
  const code = location === null ? null : new URL(location).searchParams.get("code")
  if (response.status !== 302 || code === null) {
    throw new Error(`Login did not redirect with a code: ${response.status} ${location ?? ""}`)
  }
  return code
}

/** POSTs a GraphQL request with a bearer token. */
export const graphql = async (
  sandbox: RunningSandbox,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>
): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> => {
  const response = await fetch(`${sandbox.url}/api/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
    },
    body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) })
  })
  return { status: response.status, body: (await response.json()) as never }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `check` every 20 ms until it returns true or `timeoutMs` passes. */
export const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`Condition not met within ${timeoutMs} ms`)
    }
    await sleep(20)
  }
}
