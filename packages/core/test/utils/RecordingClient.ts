/**
 * An `HttpClient` that records every request and responds with canned
 * responses, so tests can check what the SDK sends without a server.
 */
import { HttpClient, HttpClientError, type HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Effect, Layer, Option, Redacted, Ref } from "effect"
import { expect } from "vitest"
import * as Auth from "../../src/Auth.js"
import * as GraphQL from "../../src/GraphQL.js"
import * as KontistConfig from "../../src/KontistConfig.js"
import * as Mfa from "../../src/Mfa.js"
import { Token, type TokenIssuer } from "../../src/Token.js"
import * as TokenStore from "../../src/TokenStore.js"

/**
 * A request as the fake server saw it.
 */
export interface RecordedRequest {
  readonly method: string
  readonly url: URL
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The form fields of a form-encoded body. */
  readonly form: URLSearchParams
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly json: unknown
}

/**
 * A canned response.
 */
export interface Reply {
  readonly status?: number
  readonly headers?: Record<string, string>
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown
}

export type Handler = (request: RecordedRequest) => Effect.Effect<Reply, HttpClientError.HttpClientError>

const readBody = (request: HttpClientRequest.HttpClientRequest): string =>
  request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""

const toRecorded = (request: HttpClientRequest.HttpClientRequest, url: URL): RecordedRequest => {
  const body = readBody(request)
  let json: unknown = undefined
  try {
    json = body === "" ? undefined : JSON.parse(body)
  } catch {
    json = undefined
  }
  return {
    method: request.method,
    url,
    path: url.pathname,
    headers: request.headers,
    body,
    form: new URLSearchParams(body),
    json
  }
}

const toResponse = (request: HttpClientRequest.HttpClientRequest, reply: Reply) => {
  const isText = typeof reply.body === "string" || reply.body === undefined
  const headers = {
    ...(isText ? {} : { "content-type": "application/json" }),
    ...reply.headers
  }
  let body: string | null = null
  if (typeof reply.body === "string") body = reply.body
  else if (reply.body !== undefined) body = JSON.stringify(reply.body)
  return HttpClientResponse.fromWeb(request, new Response(body, { status: reply.status ?? 200, headers }))
}

/**
 * Creates a client that records each request in `requests` and responds
 * with what `handler` returns.
 */
export const makeRecordingClient = (handler: Handler) =>
  Effect.gen(function*() {
    const requests = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const recorded = toRecorded(request, url)
        yield* Ref.update(requests, (all) => [...all, recorded])
        const reply = yield* handler(recorded)
        return toResponse(request, reply)
      })
    )
    return { client, requests }
  })

/**
 * A transport failure, as a refused connection produces.
 */
export const transportError = (recorded: RecordedRequest) =>
  new HttpClientError.RequestError({
    request: { method: recorded.method, url: recorded.url.toString() } as unknown as HttpClientRequest.HttpClientRequest,
    reason: "Transport",
    cause: new Error("connect ECONNREFUSED")
  })

/**
 * The API and client of `testConfig`, which `Auth` accepts as a token's issuer.
 */
export const testIssuer: TokenIssuer = { baseUrl: "http://127.0.0.1:9", clientId: "test-client" }

/**
 * The configuration of the unit tests; no request leaves the process.
 */
export const testConfig = KontistConfig.layer({
  baseUrl: testIssuer.baseUrl,
  clientId: testIssuer.clientId,
  clientSecret: "test-secret",
  redirectUri: "http://127.0.0.1:8080/callback"
})

/**
 * A token that expires at `expiresAt` (epoch ms), with a refresh token
 * unless `refreshToken` is null. Without `issuedAt` it looks like a token
 * stored before `Token` had that field. Its issuer is `testIssuer` unless
 * `issuer` is given; null leaves it out, as in a token stored before `Token`
 * had that field.
 */
export const makeToken = (options: {
  readonly accessToken?: string
  readonly refreshToken?: string | null
  readonly expiresAt?: number
  readonly issuedAt?: number
  readonly confirmed?: boolean
  readonly issuer?: TokenIssuer | null
}) =>
  new Token({
    accessToken: Redacted.make(options.accessToken ?? "access-1"),
    refreshToken: options.refreshToken === null
      ? Option.none()
      : Option.some(Redacted.make(options.refreshToken ?? "refresh-1")),
    expiresAt: options.expiresAt ?? 3_600_000,
    ...(options.issuedAt === undefined ? {} : { issuedAt: options.issuedAt }),
    scope: ["transactions", "offline"],
    confirmed: options.confirmed ?? false,
    ...(options.issuer === null ? {} : { issuer: options.issuer ?? testIssuer })
  })

/**
 * Provides `client` as the `HttpClient`.
 */
export const clientLayer = (client: HttpClient.HttpClient) => Layer.succeed(HttpClient.HttpClient, client)

/**
 * Layers for `Auth`, `GraphQL` and `Mfa` over `client` and an in-memory
 * token store that starts with `initial`.
 */
export const serviceLayer = (
  client: HttpClient.HttpClient,
  options?: { readonly initial?: Token | undefined; readonly mfa?: Mfa.Options | undefined }
) => {
  const platform = Layer.mergeAll(
    clientLayer(client),
    testConfig,
    Layer.effect(TokenStore.TokenStore, TokenStore.make(options?.initial))
  )
  const auth = Auth.layer.pipe(Layer.provideMerge(platform))
  return Layer.mergeAll(GraphQL.layer(), Mfa.layer(options?.mfa)).pipe(Layer.provideMerge(auth))
}

/**
 * Asserts that `error` has the tag `tag` and narrows its type, so that the
 * next assertions can read the fields of that error class.
 */
export function assertTag<E extends { readonly _tag: string }, T extends E["_tag"]>(
  error: E,
  tag: T
): asserts error is Extract<E, { readonly _tag: T }> {
  expect(error._tag).toBe(tag)
}
