/**
 * OAuth2 endpoints: the authorization endpoint with its login form, session
 * cookie, `prompt=none` and `response_mode=web_message`, and the token
 * endpoint with the authorization_code (client secret or PKCE S256),
 * refresh_token and password grants. Errors follow RFC 6749 sections 4.1.2.1
 * and 5.2.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import type { Reply, Request } from "./internal/http.js"
import { cookies, decodeComponent, escapeHtml, formBody, html, json, redirect } from "./internal/http.js"
import type { Grant, TokenRegistry } from "./Tokens.js"
import { knownScopes, randomToken } from "./Tokens.js"

/** The one registered OAuth2 client and the one user of the sandbox. */
export const demo = {
  clientId: "kontist-sandbox",
  clientSecret: "sandbox-secret",
  username: "lena.schulz@example.com",
  password: "sandbox-password"
} as const

/** The custom redirect URI scheme of the demo client; PKCE clients using it get refresh tokens. */
export const customScheme = "kontist-sandbox:"

/** Name of the cookie that carries the login session for `prompt=none`. */
export const sessionCookieName = "kontist_sandbox_session"

/** Seconds an authorization code stays valid (RFC 6749 section 4.1.2 recommends at most 10 minutes). */
const codeTtlSeconds = 600

/** Computes the PKCE S256 challenge of a verifier: unpadded base64url of its SHA-256 (RFC 7636 section 4.2). */
export const pkceChallenge = (verifier: string): string => createHash("sha256").update(verifier, "ascii").digest("base64url")

/** RFC 7636 section 4.1: 43 to 128 unreserved characters. */
const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/

/** An S256 challenge is 32 bytes in unpadded base64url, so 43 characters. */
const challengePattern = /^[A-Za-z0-9_-]{43}$/

/**
 * Accepts the demo client's redirect URIs: any port on the loopback hosts
 * over http, or the custom scheme. RFC 6749 section 3.1.2 forbids fragments.
 */
export const isAllowedRedirectUri = (uri: string): boolean => {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return false
  }
  if (url.hash !== "" || url.username !== "" || url.password !== "") {
    return false
  }
  if (url.protocol === customScheme) {
    return true
  }
  return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)
}

const isCustomScheme = (uri: string): boolean => new URL(uri).protocol === customScheme

/** Compares two secrets in constant time. */
const secretEquals = (given: string, expected: string): boolean => {
  const a = Buffer.from(given, "utf8")
  const b = Buffer.from(expected, "utf8")
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A validated authorization request. */
interface AuthorizationRequest {
  readonly clientId: string
  readonly redirectUri: string
  readonly scopes: ReadonlySet<string>
  readonly state: string | undefined
  readonly codeChallenge: string | undefined
  readonly promptNone: boolean
  readonly webMessage: boolean
  /** The parameters as received, echoed into the login form's hidden fields. */
  readonly parameters: ReadonlyArray<readonly [string, string]>
}

/**
 * The outcome of reading authorization parameters: a request, an error that
 * may be sent to the redirect URI, or an error that must not be (unknown
 * client or redirect URI, RFC 6749 section 4.1.2.1).
 */
type ParsedAuthorization =
  | { readonly _tag: "Valid"; readonly request: AuthorizationRequest }
  | { readonly _tag: "RedirectError"; readonly request: AuthorizationRequest; readonly error: string; readonly description: string }
  | { readonly _tag: "PageError"; readonly description: string }

interface CodeRecord {
  readonly clientId: string
  readonly redirectUri: string
  readonly scopes: ReadonlySet<string>
  readonly codeChallenge: string | undefined
  readonly userId: string
  readonly expiresAt: number
}

/** The authorization parameters a request may carry at most once (RFC 6749 section 3.1). */
const authorizationParameterNames = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
  "prompt",
  "response_mode"
]

/** The token endpoint parameters a request may carry at most once (RFC 6749 section 3.2). */
const tokenParameterNames = [
  "grant_type",
  "code",
  "redirect_uri",
  "client_id",
  "client_secret",
  "code_verifier",
  "refresh_token",
  "username",
  "password",
  "scope"
]

/** Parses a space-separated scope list; `undefined` when it names an unknown scope or is empty. */
const parseScopes = (text: string): ReadonlySet<string> | undefined => {
  const scopes = text.split(" ").filter((scope) => scope !== "")
  if (scopes.length === 0 || scopes.some((scope) => !knownScopes.includes(scope))) {
    return undefined
  }
  return new Set(scopes)
}

const repeatedParameter = (parameters: URLSearchParams, names: ReadonlyArray<string>): string | undefined =>
  names.find((name) => parameters.getAll(name).length > 1)

/** Reads and validates the parameters of `GET` or `POST /api/oauth/authorize`. */
const parseAuthorization = (parameters: URLSearchParams): ParsedAuthorization => {
  const repeatedTarget = repeatedParameter(parameters, ["client_id", "redirect_uri"])
  if (repeatedTarget !== undefined) {
    return { _tag: "PageError", description: `${repeatedTarget} is given more than once` }
  }
  const clientId = parameters.get("client_id")
  const redirectUri = parameters.get("redirect_uri")
  if (clientId === null) {
    return { _tag: "PageError", description: "client_id is missing" }
  }
  if (clientId !== demo.clientId) {
    return { _tag: "PageError", description: `client_id "${clientId}" is not a registered client; use "${demo.clientId}"` }
  }
  if (redirectUri === null) {
    return { _tag: "PageError", description: "redirect_uri is missing" }
  }
  if (!isAllowedRedirectUri(redirectUri)) {
    return {
      _tag: "PageError",
      description: `redirect_uri "${redirectUri}" is not registered; use http://127.0.0.1, http://localhost or http://[::1] with any port, or the ${customScheme}// scheme`
    }
  }
  const responseMode = parameters.get("response_mode")
  const webMessage = responseMode === "web_message"
  if (webMessage && isCustomScheme(redirectUri)) {
    return { _tag: "PageError", description: "response_mode=web_message needs an http redirect_uri, whose origin receives the message" }
  }

  const request: AuthorizationRequest = {
    clientId,
    redirectUri,
    scopes: new Set(),
    state: parameters.get("state") ?? undefined,
    codeChallenge: parameters.get("code_challenge") ?? undefined,
    promptNone: parameters.get("prompt") === "none",
    webMessage,
    parameters: [...parameters.entries()].filter(([name]) => name !== "username" && name !== "password")
  }
  const fail = (error: string, description: string): ParsedAuthorization => ({ _tag: "RedirectError", request, error, description })

  const repeated = repeatedParameter(parameters, authorizationParameterNames)
  if (repeated !== undefined) {
    return fail("invalid_request", `${repeated} is given more than once`)
  }
  if (responseMode !== null && responseMode !== "query" && responseMode !== "web_message") {
    return fail("invalid_request", `response_mode "${responseMode}" is not supported; use query or web_message`)
  }
  const responseType = parameters.get("response_type")
  if (responseType === null) {
    return fail("invalid_request", "response_type is missing; use code")
  }
  if (responseType !== "code") {
    return fail("unsupported_response_type", `response_type "${responseType}" is not supported; use code`)
  }
  const scopeText = parameters.get("scope")
  if (scopeText === null) {
    return fail("invalid_scope", "scope is missing")
  }
  const scopes = parseScopes(scopeText)
  if (scopes === undefined) {
    return fail("invalid_scope", `scope "${scopeText}" is invalid; use a space-separated list of ${knownScopes.join(", ")}`)
  }
  const method = parameters.get("code_challenge_method")
  if (request.codeChallenge === undefined && method !== null) {
    return fail("invalid_request", "code_challenge_method is given without code_challenge")
  }
  if (request.codeChallenge !== undefined) {
    if (method !== "S256") {
      return fail("invalid_request", `code_challenge_method "${method ?? ""}" is not supported; use S256`)
    }
    if (!challengePattern.test(request.codeChallenge)) {
      return fail("invalid_request", "code_challenge must be 43 base64url characters, the unpadded SHA-256 of the verifier")
    }
  }
  return { _tag: "Valid", request: { ...request, scopes } }
}

/** An RFC 6749 section 5.2 error reply of the token endpoint. */
const tokenError = (
  status: 400 | 401,
  error: string,
  description: string,
  headers: Readonly<Record<string, string>> = {}
): Reply => json(status, { error, error_description: description }, { "cache-control": "no-store", pragma: "no-cache", ...headers })

/** Wraps `body` in an HTML page. The empty icon link stops browsers from requesting `/favicon.ico`. */
const page = (title: string, body: string): string =>
  `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title></head>
<body>
${body}
</body>
</html>
`

/** Serialises a value for a `<script>` element; `<` is escaped so the data cannot close the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replaceAll("<", "\\u003c")

/** The client credentials found in the `Authorization: Basic` header or the form (RFC 6749 section 2.3.1). */
interface ClientCredentials {
  readonly clientId: string | undefined
  readonly clientSecret: string | undefined
  readonly viaBasic: boolean
}

const readClientCredentials = (request: Request, form: URLSearchParams): ClientCredentials | "both" | "malformed" => {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "")
  if (match === null) {
    return {
      clientId: form.get("client_id") ?? undefined,
      clientSecret: form.get("client_secret") ?? undefined,
      viaBasic: false
    }
  }
  if (form.has("client_secret")) {
    return "both"
  }
  // RFC 6749 section 2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8")
  const separator = decoded.indexOf(":")
  if (separator < 0) {
    return "malformed"
  }
  const clientId = decodeComponent(decoded.slice(0, separator).replaceAll("+", " "))
  const clientSecret = decodeComponent(decoded.slice(separator + 1).replaceAll("+", " "))
  if (clientId === undefined || clientSecret === undefined) {
    return "malformed"
  }
  return { clientId, clientSecret, viaBasic: true }
}

export class OAuthServer {
  readonly #tokens: TokenRegistry
  readonly #userId: string
  readonly #codes = new Map<string, CodeRecord>()
  /** Session id to user id. Sessions last as long as the sandbox runs. */
  readonly #sessions = new Map<string, string>()

  /** `userId` is the id of the demo user, the one account the sandbox serves. */
  constructor(options: { readonly tokens: TokenRegistry; readonly userId: string }) {
    this.#tokens = options.tokens
    this.#userId = options.userId
  }

  /** `GET /api/oauth/authorize`: the login form, or with `prompt=none` a code for the session cookie's user. */
  authorizeGet(request: Request): Reply {
    const parsed = parseAuthorization(request.url.searchParams)
    if (parsed._tag === "PageError") {
      return this.#errorPage(parsed.description)
    }
    if (parsed._tag === "RedirectError") {
      return this.#respond(parsed.request, { error: parsed.error, error_description: parsed.description })
    }
    const authorization = parsed.request
    if (authorization.promptNone) {
      const sessionId = cookies(request).get(sessionCookieName)
      const userId = sessionId === undefined ? undefined : this.#sessions.get(sessionId)
      if (userId === undefined) {
        return this.#respond(authorization, { error: "login_required", error_description: "No login session; log in without prompt=none first" })
      }
      return this.#respond(authorization, { code: this.#issueCode(authorization, userId) })
    }
    return this.#loginForm(authorization, 200, undefined, "")
  }

  /** `POST /api/oauth/authorize`: checks the submitted credentials, starts a session and redirects with a code. */
  authorizePost(request: Request): Reply {
    const form = formBody(request)
    if (form === undefined) {
      return this.#errorPage("The login form must be posted as application/x-www-form-urlencoded")
    }
    const parsed = parseAuthorization(form)
    if (parsed._tag === "PageError") {
      return this.#errorPage(parsed.description)
    }
    if (parsed._tag === "RedirectError") {
      return this.#respond(parsed.request, { error: parsed.error, error_description: parsed.description })
    }
    const username = form.get("username") ?? ""
    const password = form.get("password") ?? ""
    if (!this.#passwordMatches(username, password)) {
      return this.#loginForm(parsed.request, 401, "The email address or password is incorrect.", username)
    }
    const sessionId = randomToken()
    this.#sessions.set(sessionId, this.#userId)
    const sessionCookie = `${sessionCookieName}=${sessionId}; Path=/api/oauth; HttpOnly; SameSite=Lax`
    return this.#respond(parsed.request, { code: this.#issueCode(parsed.request, this.#userId) }, { "set-cookie": sessionCookie })
  }

  /** `POST /api/oauth/token`. */
  token(request: Request): Reply {
    const form = formBody(request)
    if (form === undefined) {
      return tokenError(400, "invalid_request", "The token endpoint expects an application/x-www-form-urlencoded body")
    }
    const repeated = repeatedParameter(form, tokenParameterNames)
    if (repeated !== undefined) {
      return tokenError(400, "invalid_request", `${repeated} is given more than once`)
    }
    const grantType = form.get("grant_type")
    if (grantType === null) {
      return tokenError(400, "invalid_request", "grant_type is missing")
    }
    if (grantType !== "authorization_code" && grantType !== "refresh_token" && grantType !== "password") {
      return tokenError(
        400,
        "unsupported_grant_type",
        `grant_type "${grantType}" is not supported; use authorization_code, refresh_token or password`
      )
    }

    const credentials = readClientCredentials(request, form)
    if (credentials === "both") {
      return tokenError(400, "invalid_request", "Send the client secret either in the Authorization header or as client_secret, not both")
    }
    if (credentials === "malformed") {
      return tokenError(401, "invalid_client", "The Basic credentials are malformed; send base64(client_id:client_secret)", {
        "www-authenticate": "Basic realm=\"kontist-sandbox\""
      })
    }
    const challengeHeader: Record<string, string> = credentials.viaBasic ? { "www-authenticate": "Basic realm=\"kontist-sandbox\"" } : {}
    if (credentials.clientId === undefined) {
      return tokenError(401, "invalid_client", "client_id is missing", challengeHeader)
    }
    if (credentials.clientId !== demo.clientId) {
      return tokenError(401, "invalid_client", `client_id "${credentials.clientId}" is not a registered client`, challengeHeader)
    }
    if (credentials.clientSecret !== undefined && !secretEquals(credentials.clientSecret, demo.clientSecret)) {
      return tokenError(401, "invalid_client", "The client secret is wrong", challengeHeader)
    }
    const authenticated = credentials.clientSecret !== undefined

    switch (grantType) {
      case "authorization_code":
        return this.#authorizationCodeGrant(form, credentials.clientId, authenticated)
      case "refresh_token":
        return this.#refreshTokenGrant(form, credentials.clientId, authenticated)
      case "password":
        return this.#passwordGrant(form, credentials.clientId, authenticated)
    }
  }

  #authorizationCodeGrant(form: URLSearchParams, clientId: string, authenticated: boolean): Reply {
    const code = form.get("code")
    const redirectUri = form.get("redirect_uri")
    const verifier = form.get("code_verifier")
    if (code === null) {
      return tokenError(400, "invalid_request", "code is missing")
    }
    if (redirectUri === null) {
      return tokenError(400, "invalid_request", "redirect_uri is missing")
    }
    if (verifier !== null && !verifierPattern.test(verifier)) {
      return tokenError(400, "invalid_request", "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, -, ., _ and ~")
    }

    // A code is consumed by the first request that presents it, even a failing
    // one, so that a wrong verifier cannot be retried against the same code.
    const record = this.#codes.get(code)
    this.#codes.delete(code)
    if (record === undefined) {
      return tokenError(400, "invalid_grant", "The authorization code is unknown or was already used")
    }
    if (Date.now() >= record.expiresAt) {
      return tokenError(400, "invalid_grant", "The authorization code has expired; start the authorization again")
    }
    if (record.clientId !== clientId) {
      return tokenError(400, "invalid_grant", "The authorization code was issued to another client")
    }
    if (record.redirectUri !== redirectUri) {
      return tokenError(400, "invalid_grant", "redirect_uri does not match the one of the authorization request")
    }
    if (record.codeChallenge === undefined) {
      if (verifier !== null) {
        return tokenError(400, "invalid_grant", "code_verifier is given, but the authorization request had no code_challenge")
      }
      if (!authenticated) {
        return tokenError(401, "invalid_client", "client_secret is missing; send it, or use PKCE with code_challenge and code_verifier")
      }
    } else {
      if (verifier === null) {
        return tokenError(400, "invalid_grant", "code_verifier is missing; the authorization request had a code_challenge")
      }
      if (pkceChallenge(verifier) !== record.codeChallenge) {
        return tokenError(400, "invalid_grant", "code_verifier does not match the code_challenge of the authorization request")
      }
    }

    // Public clients (PKCE without a secret) get refresh tokens only with a
    // custom-scheme redirect URI, as the Kontist API documents.
    const mayRefresh = record.scopes.has("offline") && (authenticated || isCustomScheme(record.redirectUri))
    const grant: Grant = {
      userId: record.userId,
      scopes: record.scopes,
      confirmed: false,
      clientId,
      publicClient: !authenticated
    }
    return this.#tokenReply(grant, mayRefresh ? "new" : "none")
  }

  #refreshTokenGrant(form: URLSearchParams, clientId: string, authenticated: boolean): Reply {
    const refreshToken = form.get("refresh_token")
    if (refreshToken === null) {
      return tokenError(400, "invalid_request", "refresh_token is missing")
    }
    const grant = this.#tokens.lookupRefreshToken(refreshToken)
    if (grant === undefined || !grant.scopes.has("offline")) {
      return tokenError(400, "invalid_grant", "The refresh token is unknown; refresh tokens are issued only when the offline scope is granted")
    }
    if (grant.clientId !== clientId) {
      return tokenError(400, "invalid_grant", "The refresh token was issued to another client")
    }
    // NOTE: the Kontist API documents client_secret as required here. Refresh
    // tokens issued to PKCE clients (custom-scheme redirect URIs) are accepted
    // without it, because such clients have no secret to send.
    if (!authenticated && !grant.publicClient) {
      return tokenError(401, "invalid_client", "client_secret is missing")
    }
    let scopes = grant.scopes
    const scopeText = form.get("scope")
    if (scopeText !== null) {
      const requested = parseScopes(scopeText)
      if (requested === undefined || [...requested].some((scope) => !grant.scopes.has(scope))) {
        return tokenError(400, "invalid_scope", `scope "${scopeText}" exceeds the scopes granted with the refresh token`)
      }
      scopes = requested
    }
    return this.#tokenReply({ ...grant, scopes }, { reuse: refreshToken })
  }

  #passwordGrant(form: URLSearchParams, clientId: string, authenticated: boolean): Reply {
    if (!authenticated) {
      return tokenError(401, "invalid_client", "The password grant needs client_secret")
    }
    const username = form.get("username")
    const password = form.get("password")
    if (username === null || password === null) {
      return tokenError(400, "invalid_request", `${username === null ? "username" : "password"} is missing`)
    }
    if (!this.#passwordMatches(username, password)) {
      return tokenError(400, "invalid_grant", "The username or password is incorrect")
    }
    const scopeText = form.get("scope")
    // Without a scope parameter the password grant grants every scope.
    const scopes = scopeText === null ? new Set(knownScopes) : parseScopes(scopeText)
    if (scopes === undefined) {
      return tokenError(400, "invalid_scope", `scope "${scopeText ?? ""}" is invalid; use a space-separated list of ${knownScopes.join(", ")}`)
    }
    const grant: Grant = { userId: this.#userId, scopes, confirmed: false, clientId, publicClient: false }
    return this.#tokenReply(grant, scopes.has("offline") ? "new" : "none")
  }

  #tokenReply(grant: Grant, refresh: "none" | "new" | { readonly reuse: string }): Reply {
    return json(200, this.#tokens.issue(grant, refresh), { "cache-control": "no-store", pragma: "no-cache" })
  }

  #passwordMatches(username: string, password: string): boolean {
    return username.trim().toLowerCase() === demo.username && secretEquals(password, demo.password)
  }

  #issueCode(authorization: AuthorizationRequest, userId: string): string {
    const code = randomToken()
    this.#codes.set(code, {
      clientId: authorization.clientId,
      redirectUri: authorization.redirectUri,
      scopes: authorization.scopes,
      codeChallenge: authorization.codeChallenge,
      userId,
      expiresAt: Date.now() + codeTtlSeconds * 1000
    })
    return code
  }

  /**
   * Sends the authorization response: a redirect to `redirect_uri` with the
   * result in the query, or for `response_mode=web_message` a page that posts
   * `{ response: { code, state } }` or `{ error, error_description, state }`
   * to its parent window, restricted to the redirect URI's origin.
   */
  #respond(
    authorization: AuthorizationRequest,
    result: { readonly code: string } | { readonly error: string; readonly error_description: string },
    headers: Readonly<Record<string, string>> = {}
  ): Reply {
    const state = authorization.state === undefined ? {} : { state: authorization.state }
    if (authorization.webMessage) {
      const message = "code" in result ? { response: { code: result.code, ...state } } : { ...result, ...state }
      const origin = new URL(authorization.redirectUri).origin
      const script = `window.parent.postMessage(${scriptJson(message)}, ${scriptJson(origin)});`
      return html(200, page("Kontist sandbox authorization response", `<script>${script}</script>`), headers)
    }
    const location = new URL(authorization.redirectUri)
    if ("code" in result) {
      location.searchParams.set("code", result.code)
    } else {
      location.searchParams.set("error", result.error)
      location.searchParams.set("error_description", result.error_description)
    }
    if (authorization.state !== undefined) {
      location.searchParams.set("state", authorization.state)
    }
    return redirect(location.href, headers)
  }

  #loginForm(authorization: AuthorizationRequest, status: number, error: string | undefined, username: string): Reply {
    const hiddenFields = authorization.parameters
      .map(([name, value]) => `    <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join("\n")
    const scopes = [...authorization.scopes].join(", ")
    const body = `<h1>Log in to the Kontist sandbox</h1>
<p>The application requests access to: ${escapeHtml(scopes)}.</p>
${error === undefined ? "" : `<p id="error" role="alert">${escapeHtml(error)}</p>\n`}<form method="post" action="/api/oauth/authorize">
  <label>Email <input type="email" name="username" autocomplete="username" value="${escapeHtml(username)}" required></label>
  <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
${hiddenFields}
  <button type="submit" id="login">Log in</button>
</form>
<p>Demo user: ${escapeHtml(demo.username)}, password ${escapeHtml(demo.password)}</p>`
    return html(status, page("Kontist sandbox login", body))
  }

  #errorPage(description: string): Reply {
    const body = `<h1>Authorization request rejected</h1>\n<p id="error" role="alert">${escapeHtml(description)}</p>`
    return html(400, page("Kontist sandbox authorization error", body))
  }
}
