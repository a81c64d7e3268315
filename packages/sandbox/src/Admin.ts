/**
 * Admin endpoints under `/sandbox/` for demos and browser tests. They need
 * no token, are never logged as API requests, and faults do not apply to them.
 *
 * | method | path | effect |
 * | --- | --- | --- |
 * | GET | /sandbox/sms | SMS outbox, oldest first |
 * | GET, DELETE | /sandbox/requests | request log, or clear it (204) |
 * | GET | /sandbox/challenges | every MFA challenge, oldest first |
 * | POST | /sandbox/challenges/:id | `{status: "VERIFIED" \| "DENIED"}` approves or denies a pending challenge (204) |
 * | POST | /sandbox/transactions | `{amount, name, iban, purpose}` books an incoming transaction and publishes it (201) |
 * | GET, PUT | /sandbox/faults | faults in force, or replace them (204) |
 * | GET, PUT | /sandbox/config | settings, or change some of them (204) |
 * | GET | /sandbox/dataset | `{count, sumCents, balanceCents}` of the booked transactions |
 */
import type { TransactionRecord } from "./Bank.js"
import { BankError } from "./Bank.js"
import type { Faults } from "./Faults.js"
import type { Reply, Request } from "./internal/http.js"
import { decodeComponent, empty, isRecord, json, jsonBody } from "./internal/http.js"
import type { Settings } from "./internal/settings.js"
import type { ChallengeView } from "./Mfa.js"
import { ChallengeAnswerError } from "./Mfa.js"
import type { RecordedRequest } from "./RequestLog.js"

/** The sandbox operations the admin endpoints expose. */
export interface AdminTarget {
  requests(): ReadonlyArray<RecordedRequest>
  clearRequests(): void
  sms(): ReadonlyArray<unknown>
  challenges(): ReadonlyArray<ChallengeView>
  answerChallenge(id: string, status: "VERIFIED" | "DENIED"): void
  injectTransaction(input: { amount: number; name: string; iban: string; purpose: string }): TransactionRecord
  faults(): Faults
  setFaults(faults: Faults): void
  settings(): Readonly<Settings>
  configure(patch: unknown): void
  dataset(): { count: number; sumCents: number; balanceCents: number }
}

const adminError = (status: number, error: string, description: string): Reply =>
  json(status, { error, error_description: description })

const methodNotAllowed = (request: Request, allowed: ReadonlyArray<string>): Reply =>
  json(405, { error: "method_not_allowed", error_description: `${request.method} is not allowed on ${request.url.pathname}; use ${allowed.join(" or ")}` }, {
    allow: allowed.join(", ")
  })

type ObjectBody = { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly reply: Reply }

/** Reads a JSON object body, or the 400 reply to send instead. */
const readObject = (request: Request): ObjectBody => {
  const body = jsonBody(request)
  if (!body.ok) {
    return { ok: false, reply: adminError(400, "invalid_request", body.reason) }
  }
  if (!isRecord(body.value)) {
    return { ok: false, reply: adminError(400, "invalid_request", "The request body must be a JSON object") }
  }
  return { ok: true, value: body.value }
}

export const handleAdmin = (request: Request, target: AdminTarget): Reply => {
  const path = request.url.pathname
  const method = request.method

  if (path === "/sandbox/sms") {
    return method === "GET" ? json(200, target.sms()) : methodNotAllowed(request, ["GET"])
  }
  if (path === "/sandbox/requests") {
    if (method === "GET") {
      return json(200, target.requests())
    }
    if (method === "DELETE") {
      target.clearRequests()
      return empty(204)
    }
    return methodNotAllowed(request, ["GET", "DELETE"])
  }
  if (path === "/sandbox/challenges") {
    return method === "GET" ? json(200, target.challenges()) : methodNotAllowed(request, ["GET"])
  }
  const challengeMatch = /^\/sandbox\/challenges\/([^/]+)$/.exec(path)
  if (challengeMatch !== null) {
    if (method !== "POST") {
      return methodNotAllowed(request, ["POST"])
    }
    const id = decodeComponent(challengeMatch[1]!)
    if (id === undefined) {
      return adminError(400, "invalid_request", `The path ${path} contains malformed percent-encoding`)
    }
    return answerChallenge(request, target, id)
  }
  if (path === "/sandbox/transactions") {
    return method === "POST" ? injectTransaction(request, target) : methodNotAllowed(request, ["POST"])
  }
  if (path === "/sandbox/faults") {
    if (method === "GET") {
      return json(200, target.faults())
    }
    if (method === "PUT") {
      const body = readObject(request)
      return body.ok ? applyOrReject(() => target.setFaults(body.value as Faults)) : body.reply
    }
    return methodNotAllowed(request, ["GET", "PUT"])
  }
  if (path === "/sandbox/config") {
    if (method === "GET") {
      return json(200, target.settings())
    }
    if (method === "PUT") {
      const body = readObject(request)
      return body.ok ? applyOrReject(() => target.configure(body.value)) : body.reply
    }
    return methodNotAllowed(request, ["GET", "PUT"])
  }
  if (path === "/sandbox/dataset") {
    return method === "GET" ? json(200, target.dataset()) : methodNotAllowed(request, ["GET"])
  }
  return adminError(
    404,
    "not_found",
    `No admin endpoint at ${path}; see /sandbox/sms, /sandbox/requests, /sandbox/challenges, /sandbox/transactions, /sandbox/faults, /sandbox/config, /sandbox/dataset`
  )
}

/** Runs a validating update; a `TypeError` becomes 400 with its message. */
const applyOrReject = (update: () => void): Reply => {
  try {
    update()
  } catch (error) {
    if (error instanceof TypeError) {
      return adminError(400, "invalid_request", error.message)
    }
    throw error
  }
  return empty(204)
}

const answerChallenge = (request: Request, target: AdminTarget, id: string): Reply => {
  const body = readObject(request)
  if (!body.ok) {
    return body.reply
  }
  const status = body.value["status"]
  if (status !== "VERIFIED" && status !== "DENIED") {
    return adminError(400, "invalid_request", "The body must be {\"status\": \"VERIFIED\"} or {\"status\": \"DENIED\"}")
  }
  try {
    target.answerChallenge(id, status)
  } catch (error) {
    if (error instanceof ChallengeAnswerError) {
      return adminError(error.reason === "NotFound" ? 404 : 409, error.reason === "NotFound" ? "not_found" : "conflict", error.message)
    }
    throw error
  }
  return empty(204)
}

const injectTransaction = (request: Request, target: AdminTarget): Reply => {
  const body = readObject(request)
  if (!body.ok) {
    return body.reply
  }
  const { amount, name, iban, purpose } = body.value
  if (typeof amount !== "number" || typeof name !== "string" || typeof iban !== "string" || typeof purpose !== "string") {
    return adminError(400, "invalid_request", "The body must be {amount: integer cents, name: string, iban: string, purpose: string}")
  }
  try {
    const booked = target.injectTransaction({ amount, name, iban, purpose })
    return json(201, {
      id: booked.id,
      amount: booked.amount,
      name: booked.name,
      iban: booked.iban,
      purpose: booked.purpose,
      bookingDate: booked.bookingDate,
      valutaDate: booked.valutaDate
    })
  } catch (error) {
    if (error instanceof BankError) {
      return adminError(error.status, "invalid_request", error.message)
    }
    throw error
  }
}
