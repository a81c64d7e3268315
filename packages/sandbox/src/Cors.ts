/**
 * CORS for the configured origins (`corsOrigins`), so that browser pages
 * served from another loopback port can call the sandbox. Requests from
 * other origins get no CORS headers, and the browser blocks them.
 */
import type { Reply, Request } from "./internal/http.js"
import { empty } from "./internal/http.js"

/** The request headers a browser client may send; others, such as `traceparent`, fail the preflight. */
const allowedHeaders = "authorization, content-type"
const allowedMethods = "GET, POST, PUT, PATCH, DELETE"

/**
 * Builds the CORS headers for a response to `origin`. `corsOrigins` lists exact
 * origins such as `http://127.0.0.1:5173`; the entry `*` allows every origin.
 */
export const corsHeaders = (origin: string | undefined, corsOrigins: ReadonlyArray<string>): Record<string, string> => {
  const allowed = origin !== undefined && (corsOrigins.includes(origin) || corsOrigins.includes("*"))
  return allowed
    ? { "access-control-allow-origin": origin, "access-control-expose-headers": "Retry-After", vary: "Origin" }
    : { vary: "Origin" }
}

/** Replies to an `OPTIONS` request. A CORS preflight from an allowed origin gets the allowed methods and headers. */
export const preflight = (request: Request, corsOrigins: ReadonlyArray<string>): Reply => {
  const headers = corsHeaders(request.headers.origin, corsOrigins)
  const isPreflight = request.headers["access-control-request-method"] !== undefined
  if (!isPreflight || headers["access-control-allow-origin"] === undefined) {
    return empty(204, { ...headers, allow: `${allowedMethods}, OPTIONS` })
  }
  return empty(204, {
    ...headers,
    "access-control-allow-methods": allowedMethods,
    "access-control-allow-headers": allowedHeaders,
    "access-control-max-age": "600"
  })
}
