import { Deferred, Duration, Effect, Exit } from "effect"
import * as Http from "node:http"

/** The first request to the callback path, held open until `respond` sends the response. */
export interface Callback {
  /** Path and query of the request, such as `/callback?code=...&state=...`. */
  readonly requestUrl: string
  /** Sends the browser an HTML page. Later calls do nothing. */
  readonly respond: (status: number, html: string) => Effect.Effect<void>
}

export interface LoopbackServer {
  /** The port the server listens on, chosen by the system when `port` was 0. */
  readonly port: number
  /** Completes with the first request to the callback path. */
  readonly callback: Effect.Effect<Callback>
}

export interface ListenOptions {
  readonly host: string
  readonly port: number
  readonly path: string
  /** Page for a callback request that is still open when the scope closes (timeout or interruption). */
  readonly abandonedPage: string
}

const closeGracePeriod = Duration.seconds(1)

const sendHtml = (response: Http.ServerResponse, status: number, html: string, onFinish?: () => void) => {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff"
  })
  response.end(html, onFinish)
}

/**
 * Starts an HTTP server on `host:port` that waits for one request to `path`.
 * The scope's finalizer responds to a callback still left open, stops
 * accepting connections, and destroys connections that remain after a
 * one-second grace period, because browsers keep idle connections open.
 */
export const listen = (options: ListenOptions) =>
  Effect.gen(function*() {
    const callback = yield* Deferred.make<Callback>()
    let answered = false
    let pending: Http.ServerResponse | undefined

    const respond = (response: Http.ServerResponse) => (status: number, html: string) =>
      Effect.async<void>((resume) => {
        if (answered) {
          resume(Effect.void)
          return
        }
        answered = true
        pending = undefined
        sendHtml(response, status, html, () => resume(Effect.void))
      })

    const handler = (request: Http.IncomingMessage, response: Http.ServerResponse) => {
      const url = new URL(request.url ?? "/", "http://loopback")

      if (url.pathname !== options.path) {
        sendHtml(response, 404, "<!doctype html><title>Not found</title><p>Not found.</p>")
        return
      }
      if (request.method !== "GET") {
        response.setHeader("allow", "GET")
        sendHtml(response, 405, "<!doctype html><title>Method not allowed</title><p>Method not allowed.</p>")
        return
      }
      if (pending !== undefined || answered) {
        sendHtml(response, 409, "<!doctype html><title>Login already handled</title><p>This login was already handled. Close this tab.</p>")
        return
      }

      pending = response
      Deferred.unsafeDone(callback, Exit.succeed({
        requestUrl: request.url ?? "/",
        respond: respond(response)
      }))
    }

    const server = Http.createServer(handler)

    const port = yield* Effect.acquireRelease(
      Effect.async<number, Error>((resume) => {
        const onError = (error: Error) => resume(Effect.fail(error))
        server.once("error", onError)
        server.listen(options.port, options.host, () => {
          server.off("error", onError)
          resume(Effect.succeed((server.address() as { port: number }).port))
        })
      }),
      () =>
        Effect.gen(function*() {
          const open = pending
          if (open !== undefined) {
            yield* respond(open)(503, options.abandonedPage)
          }

          yield* Effect.async<void>((resume) => {
            server.close(() => resume(Effect.void))
            server.closeIdleConnections()
          }).pipe(
            Effect.timeout(closeGracePeriod),
            Effect.catchTag("TimeoutException", () => Effect.sync(() => server.closeAllConnections()))
          )
        })
    )

    return {
      port,
      callback: Deferred.await(callback)
    } satisfies LoopbackServer
  })
