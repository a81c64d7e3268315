/**
 * The HTTP side of the sandbox: routes API requests to the OAuth, MFA and
 * GraphQL handlers, applies CORS, the request log and injected faults, serves
 * the admin endpoints, and runs graphql-ws subscriptions on `/api/graphql`.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { STATUS_CODES } from "node:http"
import type { Duplex } from "node:stream"
import type { ServerOptions } from "graphql-ws"
import type { WebSocketServer } from "ws"
import type { AdminTarget } from "./Admin.js"
import { handleAdmin } from "./Admin.js"
import { corsHeaders, preflight } from "./Cors.js"
import type { FaultInjector } from "./Faults.js"
import type { GraphQLApi, Principal } from "./GraphQLApi.js"
import type { Reply, Request } from "./internal/http.js"
import { bearerToken, BodyTooLarge, decodeComponent, formBody, json, jsonBody, mediaType, readBody, withHeaders, writeReply } from "./internal/http.js"
import type { Settings } from "./internal/settings.js"
import type { MfaServer } from "./Mfa.js"
import type { OAuthServer } from "./OAuth.js"
import type { RecordedRequest, RequestLog } from "./RequestLog.js"
import type { AccessTokenRecord, TokenRegistry } from "./Tokens.js"

/** The GraphQL endpoint, for HTTP and WebSocket requests alike. */
export const graphqlPath = "/api/graphql"

export interface ServerParts {
  readonly settings: Settings
  readonly tokens: TokenRegistry
  readonly oauth: OAuthServer
  readonly mfa: MfaServer
  readonly api: GraphQLApi
  readonly log: RequestLog
  readonly faults: FaultInjector
  readonly admin: AdminTarget
}

type Handler = (request: Request, parameters: ReadonlyArray<string>) => Reply | Promise<Reply>

interface Route {
  readonly pattern: RegExp
  readonly methods: Readonly<Record<string, Handler>>
}

const toPrincipal = (record: AccessTokenRecord): Principal => ({
  userId: record.userId,
  scopes: record.scopes,
  confirmed: record.confirmed
})

/** The outcome of checking a bearer token: its record, or the reason for rejecting it. */
type Authentication = { readonly ok: true; readonly record: AccessTokenRecord } | { readonly ok: false; readonly reason: string }

const authenticate = (tokens: TokenRegistry, authorization: string | undefined): Authentication => {
  const token = bearerToken(authorization)
  if (token === undefined) {
    return { ok: false, reason: "The Authorization header with a Bearer access token is missing" }
  }
  const lookup = tokens.lookupAccessToken(token)
  switch (lookup._tag) {
    case "Valid":
      return { ok: true, record: lookup.record }
    case "Expired":
      return { ok: false, reason: "The access token has expired; refresh it or log in again" }
    case "Unknown":
      return { ok: false, reason: "The access token is invalid" }
  }
}

/** The RFC 6750 reply to a REST request without a valid bearer token. */
const restUnauthorized = (reason: string): Reply =>
  json(401, { error: "invalid_token", error_description: reason }, { "www-authenticate": "Bearer realm=\"kontist-sandbox\", error=\"invalid_token\"" })

const graphqlError = (status: number, type: string, message: string): Reply =>
  json(status, { errors: [{ message, extensions: { status, type } }] })

const notImplemented = (request: Request): Reply =>
  json(501, {
    error: "not_implemented",
    error_description: `The sandbox does not implement ${request.method} ${request.url.pathname} (device binding)`
  })

/** Wraps a handler so that it runs only with a valid bearer token. */
const withToken =
  (tokens: TokenRegistry, handler: (request: Request, parameters: ReadonlyArray<string>, record: AccessTokenRecord) => Reply): Handler =>
  (request, parameters) => {
    const authentication = authenticate(tokens, request.headers.authorization)
    return authentication.ok ? handler(request, parameters, authentication.record) : restUnauthorized(authentication.reason)
  }

const makeRoutes = (parts: ServerParts): ReadonlyArray<Route> => {
  const { tokens, oauth, mfa, api } = parts
  const executeGraphQL: Handler = async (request) => {
    const authentication = authenticate(tokens, request.headers.authorization)
    if (!authentication.ok) {
      return graphqlError(401, "UNAUTHORIZED", authentication.reason)
    }
    if (mediaType(request) !== "application/json") {
      return graphqlError(400, "BAD_REQUEST", "Content-Type must be application/json")
    }
    const body = jsonBody(request)
    if (!body.ok) {
      return graphqlError(400, "BAD_REQUEST", body.reason)
    }
    const result = await api.execute(body.value, toPrincipal(authentication.record))
    return json(result.status, result.body)
  }
  return [
    { pattern: /^\/api\/oauth\/authorize$/, methods: { GET: (r) => oauth.authorizeGet(r), POST: (r) => oauth.authorizePost(r) } },
    { pattern: /^\/api\/oauth\/token$/, methods: { POST: (r) => oauth.token(r) } },
    {
      pattern: /^\/api\/user\/mfa\/challenges$/,
      methods: {
        POST: withToken(tokens, (_r, _p, record) => mfa.create(record)),
        GET: withToken(tokens, (_r, _p, record) => mfa.listPending(record))
      }
    },
    {
      pattern: /^\/api\/user\/mfa\/challenges\/([^/]+)$/,
      methods: {
        GET: withToken(tokens, (_r, [id], record) => mfa.get(id!, record)),
        PATCH: withToken(tokens, (r, [id], record) => mfa.patch(id!, record, r))
      }
    },
    {
      pattern: /^\/api\/user\/mfa\/challenges\/([^/]+)\/token$/,
      methods: { POST: withToken(tokens, (_r, [id], record) => mfa.exchange(id!, record)) }
    },
    { pattern: /^\/api\/user\/devices(\/.*)?$/, methods: { GET: notImplemented, POST: notImplemented, DELETE: notImplemented } },
    { pattern: /^\/api\/graphql$/, methods: { POST: executeGraphQL } }
  ]
}

const route = (routes: ReadonlyArray<Route>, request: Request): Reply | Promise<Reply> => {
  const path = request.url.pathname
  for (const candidate of routes) {
    const match = candidate.pattern.exec(path)
    if (match === null) {
      continue
    }
    const handler = candidate.methods[request.method]
    if (handler === undefined) {
      const allowed = Object.keys(candidate.methods)
      return json(
        405,
        { error: "method_not_allowed", error_description: `${request.method} is not allowed on ${path}; use ${allowed.join(" or ")}` },
        { allow: allowed.join(", ") }
      )
    }
    const parameters = match.slice(1).map((parameter) => (parameter === undefined ? "" : decodeComponent(parameter)))
    if (parameters.some((parameter) => parameter === undefined)) {
      return json(400, { error: "invalid_request", error_description: `The path ${path} contains malformed percent-encoding` })
    }
    return handler(request, parameters as ReadonlyArray<string>)
  }
  return json(404, { error: "not_found", error_description: `No API endpoint at ${request.method} ${path}` })
}

/** Builds the request log entry of an API request, which contains no token or password. */
const describeRequest = (api: GraphQLApi, request: Request): RecordedRequest => {
  const entry = { method: request.method, path: request.url.pathname }
  if (request.method === "POST" && entry.path === "/api/oauth/token") {
    const grantType = formBody(request)?.get("grant_type")
    return grantType === undefined || grantType === null ? entry : { ...entry, grantType }
  }
  if (request.method === "POST" && entry.path === graphqlPath) {
    const body = jsonBody(request)
    const operation = body.ok ? api.describe(body.value) : undefined
    return operation === undefined ? entry : { ...entry, ...operation }
  }
  return entry
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Builds the `node:http` request listener. */
export const makeRequestListener = (parts: ServerParts) => {
  const routes = makeRoutes(parts)

  const handle = async (request: Request): Promise<Reply> => {
    const path = request.url.pathname
    if (path === "/sandbox" || path.startsWith("/sandbox/")) {
      return handleAdmin(request, parts.admin)
    }
    parts.log.record(describeRequest(parts.api, request))
    const latencyMs = parts.faults.latencyMs()
    if (latencyMs > 0) {
      await sleep(latencyMs)
    }
    return parts.faults.take(path) ?? (await route(routes, request))
  }

  return async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = incoming.method ?? "GET"
    const url = new URL(incoming.url ?? "/", "http://sandbox.localhost")
    const cors = corsHeaders(incoming.headers.origin, parts.settings.corsOrigins)
    try {
      let body: Buffer
      try {
        body = await readBody(incoming)
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          writeReply(response, withHeaders(json(413, { error: "invalid_request", error_description: error.message }), cors))
          return
        }
        throw error
      }
      const request: Request = { method, url, headers: incoming.headers, body }
      // Preflights are the browser's, not the client's, so they are not logged as API requests.
      const reply = method === "OPTIONS" ? preflight(request, parts.settings.corsOrigins) : await handle(request)
      writeReply(response, withHeaders(reply, cors))
    } catch (error) {
      console.error(`Sandbox failed to handle ${method} ${url.pathname}:`, error)
      if (!response.headersSent) {
        writeReply(response, withHeaders(json(500, { error: "server_error", error_description: "The sandbox failed; see its console output" }), cors))
      } else {
        response.destroy()
      }
    }
  }
}

/** Rejects an upgrade request with a plain HTTP status. */
const rejectUpgrade = (socket: Duplex, status: number): void => {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

/**
 * Builds the `upgrade` listener: WebSocket requests to `/api/graphql` go to
 * `webSocketServer` (where graphql-ws runs), everything else gets 404.
 */
export const makeUpgradeListener = (parts: ServerParts, webSocketServer: WebSocketServer) =>
  (incoming: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(incoming.url ?? "/", "http://sandbox.localhost").pathname
    if (path !== graphqlPath) {
      rejectUpgrade(socket, 404)
      return
    }
    parts.log.record({ method: incoming.method ?? "GET", path })
    webSocketServer.handleUpgrade(incoming, socket, head, (webSocket) => {
      webSocketServer.emit("connection", webSocket, incoming)
    })
  }

/**
 * The graphql-ws server options: the GraphQL API's, with every subscribe
 * message recorded in the request log as method `WS`.
 */
export const makeSubscriptionOptions = (parts: ServerParts): ServerOptions => {
  const options = parts.api.wsServerOptions(principalFromConnectionParams(parts.tokens))
  const onSubscribe = options.onSubscribe
  return {
    ...options,
    onSubscribe: (context, id, payload) => {
      parts.log.record({ method: "WS", path: graphqlPath, ...parts.api.describe(payload) })
      return onSubscribe?.(context, id, payload)
    }
  }
}

/**
 * Resolves the principal of a graphql-ws connection from its `connection_init`
 * payload `{Authorization: "Bearer <token>"}`; `undefined` makes graphql-ws
 * close the socket with 4403.
 */
export const principalFromConnectionParams =
  (tokens: TokenRegistry) =>
  (connectionParams: Readonly<Record<string, unknown>> | undefined): Principal | undefined => {
    const header = Object.entries(connectionParams ?? {}).find(([name]) => name.toLowerCase() === "authorization")?.[1]
    const authentication = authenticate(tokens, typeof header === "string" ? header : undefined)
    return authentication.ok ? toPrincipal(authentication.record) : undefined
  }
