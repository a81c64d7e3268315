/**
 * The HTTP pipeline that `Auth`, `GraphQL` and `Mfa` share: base URL, JSON
 * accept header, no trace headers, typed errors for transport failures and
 * unexpected bodies, and a retry on transient failures for requests that are
 * safe to repeat.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Clock, Data, Duration, Effect, Option, type Redacted, Schedule, Schema } from "effect"
import type * as Auth from "../Auth.js"
import { KontistConfig } from "../KontistConfig.js"
import { type KontistError, ResponseError, Unauthorized } from "../KontistError.js"
import { formatParseError } from "./parse.js"

/**
 * A hook that wraps the SDK's HTTP client, for retries, proxies or logging
 * of the caller's own. It runs after the SDK's own settings (base URL,
 * accept header, no trace headers).
 */
export type TransformClient = (client: HttpClient.HttpClient) => HttpClient.HttpClient

/** Options every service that sends requests accepts. */
export interface ClientOptions {
  readonly transformClient?: TransformClient | undefined
}

/** Per-request options of `Pipeline.send`. */
export interface SendOptions {
  /**
   * Retry on connection errors, 502, 503, 504 and 429. Only for requests
   * that are safe to repeat: GraphQL queries and GETs, never mutations or
   * token requests.
   */
  readonly retryTransient?: boolean | undefined
}

/** The configured client. */
export interface Pipeline {
  /** Sends `request` (a path such as `/api/graphql`) and returns the response, whatever its status. */
  readonly send: (
    request: HttpClientRequest.HttpClientRequest,
    options?: SendOptions
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, ResponseError>
}

/** Maximum number of retries after the first attempt. */
const maxRetries = 3

/** A `Retry-After` longer than this is not waited for; the 429 is returned instead. */
const maxRetryAfter = Duration.seconds(60)

const transientStatuses: ReadonlySet<number> = new Set([429, 502, 503, 504])

/** Maximum number of body characters quoted in an error description. */
const excerptLength = 100

/** A response worth retrying, with the delay its `Retry-After` header requests. */
class TransientResponse extends Data.TaggedError("TransientResponse")<{
  readonly response: HttpClientResponse.HttpClientResponse
  readonly retryAfter: Option.Option<Duration.Duration>
}> {}

type AttemptError = HttpClientError.HttpClientError | TransientResponse

const isRetryable = (error: AttemptError): boolean => {
  switch (error._tag) {
    case "TransientResponse":
      return Option.match(error.retryAfter, {
        onNone: () => true,
        onSome: (delay) => Duration.lessThanOrEqualTo(delay, maxRetryAfter)
      })
    case "RequestError":
      return error.reason === "Transport"
    case "ResponseError":
      return false
  }
}

/**
 * Exponential backoff from 200 ms with jitter, at most `maxRetries` retries,
 * and never shorter than the response's `Retry-After`.
 */
const retrySchedule = Schedule.identity<AttemptError>().pipe(
  Schedule.whileInput(isRetryable),
  Schedule.intersect(Schedule.jittered(Schedule.exponential("200 millis"))),
  Schedule.intersect(Schedule.recurs(maxRetries)),
  Schedule.modifyDelay(([[error]], delay) =>
    error._tag === "TransientResponse" && Option.isSome(error.retryAfter)
      ? Duration.max(delay, error.retryAfter.value)
      : delay
  )
)

/**
 * Reads `Retry-After` as seconds or as an HTTP date.
 */
const parseRetryAfter = (
  response: HttpClientResponse.HttpClientResponse,
  nowMillis: number
): Option.Option<Duration.Duration> => {
  const header = response.headers["retry-after"]
  if (header === undefined) return Option.none()

  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Option.some(Duration.seconds(Number(trimmed)))

  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return Option.none()
  return Option.some(Duration.millis(Math.max(0, date - nowMillis)))
}

/** `METHOD URL` of a request. */
export const describeRequest = (request: HttpClientRequest.HttpClientRequest): string =>
  `${request.method} ${request.url}`

const describeCause = (cause: unknown): string => {
  if (!(cause instanceof Error)) return String(cause)
  const inner = (cause as { readonly cause?: unknown }).cause
  const code = inner instanceof Error && "code" in inner ? ` (${String(inner.code)})` : ""
  return `${cause.message}${code}`
}

/** Turns a platform error into the SDK's `ResponseError`. */
export const fromHttpClientError = (error: HttpClientError.HttpClientError): ResponseError => {
  const request = describeRequest(error.request)
  if (error._tag === "RequestError") {
    const failure = error.reason === "Transport"
      ? "the connection failed"
      : error.reason === "InvalidUrl"
      ? "the URL is invalid; check the base URL"
      : "the request body could not be encoded"
    const detail = error.cause === undefined ? "" : `: ${describeCause(error.cause)}`
    return new ResponseError({ reason: "Transport", request, description: `${failure}${detail}` })
  }
  return new ResponseError({
    reason: error.reason === "StatusCode" ? "StatusCode" : "UnexpectedBody",
    request,
    status: error.response.status,
    description: error.description ?? error.reason
  })
}

/**
 * Builds the pipeline once: base URL from `KontistConfig`, `Accept:
 * application/json`, no `b3`/`traceparent` headers (they break CORS in
 * browsers), then the caller's `transformClient`.
 */
export const make = (options?: ClientOptions): Effect.Effect<Pipeline, never, HttpClient.HttpClient | KontistConfig> =>
  Effect.gen(function*() {
    const config = yield* KontistConfig
    const configured = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest((request) =>
        HttpClientRequest.acceptJson(HttpClientRequest.prependUrl(request, config.baseUrl))
      ),
      HttpClient.withTracerPropagation(false)
    )
    const client = options?.transformClient === undefined ? configured : options.transformClient(configured)

    const attempt = (request: HttpClientRequest.HttpClientRequest) =>
      client.execute(request).pipe(
        Effect.flatMap((response): Effect.Effect<HttpClientResponse.HttpClientResponse, TransientResponse> => {
          if (!transientStatuses.has(response.status)) return Effect.succeed(response)
          return Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.fail(new TransientResponse({ response, retryAfter: parseRetryAfter(response, now) })))
        })
      )

    const send = (request: HttpClientRequest.HttpClientRequest, sendOptions?: SendOptions) => {
      if (sendOptions?.retryTransient !== true) {
        return client.execute(request).pipe(Effect.mapError(fromHttpClientError))
      }
      // After the last retry a transient response is returned like any other,
      // so the caller reports its status and body.
      return attempt(request).pipe(
        Effect.retry(retrySchedule),
        Effect.catchTag("TransientResponse", (error) => Effect.succeed(error.response)),
        Effect.mapError(fromHttpClientError)
      )
    }

    return { send }
  })

/** True for a 2xx status. */
export const isSuccess = (response: HttpClientResponse.HttpClientResponse): boolean =>
  response.status >= 200 && response.status < 300

const excerpt = (text: string): string => {
  const collapsed = text.replace(/\s+/g, " ").trim()
  return collapsed.length > excerptLength ? `${collapsed.slice(0, excerptLength)}…` : collapsed
}

/** Options of `readJson`. */
export interface ReadJsonOptions {
  /**
   * The body of a successful response carries secrets (a token response):
   * never quote it in an error description.
   */
  readonly secretBody?: boolean | undefined
}

/**
 * Reads the body as JSON. An empty body or one that is not JSON (an HTML
 * error page from a proxy, say) fails with `ResponseError` reason
 * `UnexpectedBody`, naming the status, the content type and the first 100
 * characters of the body.
 */
export const readJson = (
  response: HttpClientResponse.HttpClientResponse,
  options?: ReadJsonOptions
): Effect.Effect<unknown, ResponseError> => {
  const request = describeRequest(response.request)
  const contentType = response.headers["content-type"] ?? "no content type"

  return response.text.pipe(
    Effect.mapError(fromHttpClientError),
    Effect.flatMap((text) => {
      if (text.trim() === "") {
        return Effect.fail(
          new ResponseError({
            reason: "UnexpectedBody",
            request,
            status: response.status,
            description: `expected a JSON body but the body is empty (content type ${contentType})`
          })
        )
      }
      try {
        return Effect.succeed(JSON.parse(text) as unknown)
      } catch {
        const quoted = options?.secretBody === true && isSuccess(response)
          ? "its text is withheld because it may contain a token"
          : `it starts with "${excerpt(text)}"`
        return Effect.fail(
          new ResponseError({
            reason: "UnexpectedBody",
            request,
            status: response.status,
            description: `expected a JSON body but received ${contentType}; ${quoted}`
          })
        )
      }
    })
  )
}

/**
 * Decodes a JSON value with `schema`; a failure becomes `ResponseError`
 * reason `Decode` with the path of every offending field.
 */
export const decode = <A, I>(
  schema: Schema.Schema<A, I, never>,
  value: unknown,
  response: HttpClientResponse.HttpClientResponse,
  options?: ReadJsonOptions
): Effect.Effect<A, ResponseError> =>
  Schema.decodeUnknown(schema)(value, { errors: "all" }).pipe(
    Effect.mapError((error) =>
      new ResponseError({
        reason: "Decode",
        request: describeRequest(response.request),
        status: response.status,
        description: `the response does not match the expected shape: ${
          formatParseError(error, options?.secretBody !== true)
        }`
      })
    )
  )

/** The failure for a status the caller did not expect, with the body quoted when it has one. */
export const unexpectedStatus = (
  response: HttpClientResponse.HttpClientResponse,
  body: unknown
): ResponseError => {
  const text = body === undefined ? "" : excerpt(typeof body === "string" ? body : JSON.stringify(body))
  return new ResponseError({
    reason: "StatusCode",
    request: describeRequest(response.request),
    status: response.status,
    description: text === "" ? "unexpected status" : `unexpected status, body: ${text}`
  })
}

/**
 * Sends a request with the current access token. On HTTP 401 it renews the
 * token through `Auth` and sends the request once more. A second 401 fails
 * with `Unauthorized` reason `Rejected`.
 */
export const sendAuthorized = (
  auth: Auth.Service,
  send: (accessToken: Redacted.Redacted<string>) => Effect.Effect<HttpClientResponse.HttpClientResponse, KontistError>
): Effect.Effect<HttpClientResponse.HttpClientResponse, KontistError> =>
  Effect.gen(function*() {
    const accessToken = yield* auth.accessToken
    const first = yield* send(accessToken)
    if (first.status !== 401) return first
    // Read the rejected body so that the connection can be reused.
    yield* Effect.ignore(first.text)

    const renewed = yield* auth.renewAfterRejection(accessToken)
    const second = yield* send(renewed)
    if (second.status !== 401) return second

    return yield* new Unauthorized({
      reason: "Rejected",
      description: `The API rejected the access token (HTTP 401 from ${
        describeRequest(second.request)
      }) even after renewing it; log in again`
    })
  })
