/**
 * Small helpers for the hand-routed `node:http` server: a request value with
 * the body already read, a reply value that handlers return, and the parsers
 * the endpoints share.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http"

/** An incoming request with its body read into memory. */
export interface Request {
  readonly method: string
  readonly url: URL
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/** A handler's response, which the server writes to the socket. */
export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly body: string
}

/** Maximum request body size in bytes; larger bodies get 413. */
export const maxBodyBytes = 1024 * 1024

/** Raised by `readBody` when the body exceeds `maxBodyBytes`. */
export class BodyTooLarge extends Error {
  constructor() {
    super(`Request body exceeds ${maxBodyBytes} bytes`)
    this.name = "BodyTooLarge"
  }
}

/** Reads the whole request body, rejecting with `BodyTooLarge` past `maxBodyBytes`. */
export const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBodyBytes) {
        reject(new BodyTooLarge())
        request.resume()
        return
      }
      chunks.push(chunk)
    })
    request.on("end", () => resolve(Buffer.concat(chunks)))
    request.on("error", reject)
  })

export const json = (
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string | ReadonlyArray<string>>> = {}
): Reply => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", ...headers },
  body: JSON.stringify(value)
})

export const html = (
  status: number,
  text: string,
  headers: Readonly<Record<string, string | ReadonlyArray<string>>> = {}
): Reply => ({
  status,
  headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers },
  body: text
})

export const empty = (
  status: number,
  headers: Readonly<Record<string, string | ReadonlyArray<string>>> = {}
): Reply => ({ status, headers, body: "" })

export const redirect = (
  location: string,
  headers: Readonly<Record<string, string | ReadonlyArray<string>>> = {}
): Reply => ({ status: 302, headers: { location, "cache-control": "no-store", ...headers }, body: "" })

/** Adds headers to a reply, overriding headers of the same name. */
export const withHeaders = (
  reply: Reply,
  headers: Readonly<Record<string, string | ReadonlyArray<string>>>
): Reply => ({ ...reply, headers: { ...reply.headers, ...headers } })

/** Writes a reply to a Node response. */
export const writeReply = (response: ServerResponse, reply: Reply): void => {
  for (const [name, value] of Object.entries(reply.headers)) {
    response.setHeader(name, typeof value === "string" ? value : [...value])
  }
  response.statusCode = reply.status
  response.end(reply.body)
}

/** The media type of a request without parameters, lower-cased (`application/json`). */
export const mediaType = (request: Request): string =>
  (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()

/** Parses an `application/x-www-form-urlencoded` body; `undefined` for any other media type. */
export const formBody = (request: Request): URLSearchParams | undefined =>
  mediaType(request) === "application/x-www-form-urlencoded"
    ? new URLSearchParams(request.body.toString("utf8"))
    : undefined

/** The result of parsing a JSON body. */
export type JsonBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string }

/** Parses a JSON body, whatever its declared media type. */
export const jsonBody = (request: Request): JsonBody => {
  const text = request.body.toString("utf8")
  if (text.trim() === "") {
    return { ok: false, reason: "The request body is empty; send a JSON object" }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, reason: "The request body is not valid JSON" }
  }
}

/** Extracts the token of an `Authorization: Bearer <token>` header, if present. */
export const bearerToken = (authorization: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")
  return match?.[1]
}

/** Decodes a percent-encoded URL component, or returns `undefined` when it is malformed. */
export const decodeComponent = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

/** Parses a `Cookie` header into name-value pairs. */
export const cookies = (request: Request): ReadonlyMap<string, string> => {
  const result = new Map<string, string>()
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const separator = part.indexOf("=")
    if (separator > 0) {
      result.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim())
    }
  }
  return result
}

/** Escapes text for use inside HTML element content and quoted attribute values. */
export const escapeHtml = (text: string): string =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll("\"", "&quot;")
    .replaceAll("'", "&#39;")

/** A plain object (not an array or null), as JSON bodies must be. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
