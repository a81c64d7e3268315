/**
 * Fault injection for HTTP API requests: latency, failing status codes with
 * an optional `Retry-After`, malformed bodies and a per-minute rate limit.
 * WebSocket connections are affected only by `dropSockets`, and admin
 * requests under `/sandbox/` never.
 */
import { STATUS_CODES } from "node:http"
import type { Reply } from "./internal/http.js"
import { isRecord, json } from "./internal/http.js"

export interface Faults {
  /** Delay in milliseconds added before every HTTP API response. */
  readonly latencyMs?: number
  /** The next `count` API requests (to `path` only, when given) fail with `status`. */
  readonly failNext?: {
    readonly count: number
    readonly status: number
    readonly path?: string
    readonly retryAfterSeconds?: number
  }
  /** The next `count` API requests (to `path` only, when given) get an HTML or empty body; `status` defaults to 502. */
  readonly malformedNext?: {
    readonly count: number
    readonly kind: "html" | "empty"
    readonly status?: number
    readonly path?: string
  }
  /**
   * When true, every open WebSocket is terminated without a close frame at
   * the moment the faults are set. The flag is not kept, so clients can
   * reconnect right away.
   */
  readonly dropSockets?: boolean
  /** API requests allowed per minute, counted in fixed one-minute windows; beyond it 429 with `Retry-After`. */
  readonly rateLimitPerMinute?: number
}

type Parsed = { readonly ok: true; readonly faults: Faults } | { readonly ok: false; readonly message: string }

const isNonNegativeInteger = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0

const isErrorStatus = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 400 && value <= 599

const isStatus = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 200 && value <= 599

/** Validates a `Faults` value received as JSON or from a caller. */
export const parseFaults = (value: unknown): Parsed => {
  if (!isRecord(value)) {
    return { ok: false, message: "Faults must be a JSON object" }
  }
  const known = ["latencyMs", "failNext", "malformedNext", "dropSockets", "rateLimitPerMinute"]
  const unknownKey = Object.keys(value).find((key) => !known.includes(key))
  if (unknownKey !== undefined) {
    return { ok: false, message: `Unknown fault "${unknownKey}"; use ${known.join(", ")}` }
  }
  const { latencyMs, failNext, malformedNext, dropSockets, rateLimitPerMinute } = value
  if (latencyMs !== undefined && !isNonNegativeInteger(latencyMs)) {
    return { ok: false, message: "latencyMs must be a non-negative integer of milliseconds" }
  }
  if (failNext !== undefined) {
    if (!isRecord(failNext) || !isNonNegativeInteger(failNext["count"]) || !isErrorStatus(failNext["status"])) {
      return { ok: false, message: "failNext must be {count: non-negative integer, status: 400 to 599, path?, retryAfterSeconds?}" }
    }
    if (failNext["path"] !== undefined && typeof failNext["path"] !== "string") {
      return { ok: false, message: "failNext.path must be a string such as /api/graphql" }
    }
    if (failNext["retryAfterSeconds"] !== undefined && !isNonNegativeInteger(failNext["retryAfterSeconds"])) {
      return { ok: false, message: "failNext.retryAfterSeconds must be a non-negative integer" }
    }
  }
  if (malformedNext !== undefined) {
    if (
      !isRecord(malformedNext) ||
      !isNonNegativeInteger(malformedNext["count"]) ||
      (malformedNext["kind"] !== "html" && malformedNext["kind"] !== "empty")
    ) {
      return { ok: false, message: "malformedNext must be {count: non-negative integer, kind: \"html\" or \"empty\", status?, path?}" }
    }
    if (malformedNext["status"] !== undefined && !isStatus(malformedNext["status"])) {
      return { ok: false, message: "malformedNext.status must be an integer from 200 to 599" }
    }
    if (malformedNext["path"] !== undefined && typeof malformedNext["path"] !== "string") {
      return { ok: false, message: "malformedNext.path must be a string such as /api/graphql" }
    }
  }
  if (dropSockets !== undefined && typeof dropSockets !== "boolean") {
    return { ok: false, message: "dropSockets must be a boolean" }
  }
  if (rateLimitPerMinute !== undefined && !(isNonNegativeInteger(rateLimitPerMinute) && rateLimitPerMinute > 0)) {
    return { ok: false, message: "rateLimitPerMinute must be a positive integer" }
  }
  return { ok: true, faults: value as Faults }
}

/** `SERVICE_UNAVAILABLE` for 503: the GraphQL error type of an injected failure. */
const statusType = (status: number): string =>
  (STATUS_CODES[status] ?? "Error").toUpperCase().replaceAll(/[^A-Z0-9]+/g, "_")

/** Builds an injected failure in the error format of the endpoint whose response it replaces. */
const failureReply = (path: string, status: number, headers: Readonly<Record<string, string>>): Reply => {
  const reason = STATUS_CODES[status] ?? "Error"
  const message = `${status} ${reason} (injected by the sandbox)`
  if (path === "/api/graphql") {
    return json(status, { errors: [{ message, extensions: { status, type: statusType(status) } }] }, headers)
  }
  let error = "invalid_request"
  if (status === 503) {
    error = "temporarily_unavailable"
  } else if (status >= 500) {
    error = "server_error"
  }
  return json(status, { error, error_description: message }, headers)
}

/** A page such as a reverse proxy returns when the upstream fails. */
const proxyErrorPage = (status: number): string => {
  const title = `${status} ${STATUS_CODES[status] ?? "Error"}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

export class FaultInjector {
  #faults: Faults = {}
  #failRemaining = 0
  #malformedRemaining = 0
  #windowStart = 0
  #windowCount = 0
  readonly #dropSockets: () => void

  /** `dropSockets` terminates every open WebSocket; it runs when faults with `dropSockets: true` are set. */
  constructor(dropSockets: () => void) {
    this.#dropSockets = dropSockets
  }

  /** Replaces every fault; counts start again. Throws `TypeError` on an invalid value. */
  set(faults: Faults): void {
    const parsed = parseFaults(faults)
    if (!parsed.ok) {
      throw new TypeError(parsed.message)
    }
    const { dropSockets: _dropSockets, ...kept } = parsed.faults
    this.#faults = kept
    this.#failRemaining = kept.failNext?.count ?? 0
    this.#malformedRemaining = kept.malformedNext?.count ?? 0
    this.#windowStart = 0
    this.#windowCount = 0
    if (parsed.faults.dropSockets === true) {
      this.#dropSockets()
    }
  }

  /** Returns the faults in force, with the counts that remain. */
  current(): Faults {
    const { failNext, malformedNext, ...rest } = this.#faults
    return {
      ...rest,
      ...(failNext === undefined ? {} : { failNext: { ...failNext, count: this.#failRemaining } }),
      ...(malformedNext === undefined ? {} : { malformedNext: { ...malformedNext, count: this.#malformedRemaining } })
    }
  }

  latencyMs(): number {
    return this.#faults.latencyMs ?? 0
  }

  /**
   * Returns the reply that replaces the real response to an API request to
   * `path`, if a fault applies, and counts it. Checked in order: rate limit,
   * `failNext`, `malformedNext`.
   */
  take(path: string): Reply | undefined {
    const limit = this.#faults.rateLimitPerMinute
    if (limit !== undefined) {
      const now = Date.now()
      if (now - this.#windowStart >= 60_000) {
        this.#windowStart = now
        this.#windowCount = 0
      }
      this.#windowCount += 1
      if (this.#windowCount > limit) {
        const retryAfter = Math.max(1, Math.ceil((this.#windowStart + 60_000 - now) / 1000))
        return failureReply(path, 429, { "retry-after": String(retryAfter) })
      }
    }

    const failNext = this.#faults.failNext
    if (failNext !== undefined && this.#failRemaining > 0 && (failNext.path === undefined || failNext.path === path)) {
      this.#failRemaining -= 1
      const headers: Record<string, string> =
        failNext.retryAfterSeconds === undefined ? {} : { "retry-after": String(failNext.retryAfterSeconds) }
      return failureReply(path, failNext.status, headers)
    }

    const malformed = this.#faults.malformedNext
    if (
      malformed !== undefined &&
      this.#malformedRemaining > 0 &&
      (malformed.path === undefined || malformed.path === path)
    ) {
      this.#malformedRemaining -= 1
      const status = malformed.status ?? 502
      return malformed.kind === "html"
        ? { status, headers: { "content-type": "text/html" }, body: proxyErrorPage(status) }
        : { status, headers: { "content-type": "application/json" }, body: "" }
    }
    return undefined
  }
}
