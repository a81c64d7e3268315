import { Deferred, Duration, Effect, Exit } from "effect"
import * as Http from "node:http"

/** The first callback request with the expected state, held open until `respond` sends the response. */
export interface Callback {
  /** Path and query of the request, such as `/callback?code=...&state=...`. */
  readonly requestUrl: string
  /** Sends the browser an HTML page. Later calls do nothing. */
  readonly respond: (status: number, html: string) => Effect.Effect<void>
}

export interface LoopbackServer {
  /** The port the server listens on, chosen by the system when `port` was 0. */
  readonly port: number
  /**
   * Completes with the first GET to the callback path whose `state` query
   * parameter equals `state`. Until it is called, every callback request is
   * rejected, because no authorization URL with a state has been shown yet.
   */
  readonly callback: (state: string) => Effect.Effect<Callback>
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

const foreignCallbackPage = "<!doctype html><title>Unknown login</title>" +
  "<p>This request does not belong to the login the program is waiting for. " +
  "Open the URL the program printed to log in.</p>"

/**
 * Starts an HTTP server on `host:port` that waits for one request to `path`
 * with the expected OAuth2 `state`. Other requests to `path` get 400 and the
 * server keeps waiting, so that a local process or a web page (an `<img>`
 * pointing at the port) cannot end a pending login. Neither the expected nor
 * the received state appears in a response or a log.
 *
 * The scope's finalizer responds to a callback still left open, stops
 * accepting connections, and destroys connections that remain after a
 * one-second grace period, because browsers keep idle connections open.
 */
export const listen = (options: ListenOptions) =>
  Effect.gen(function*() {
    const callback = yield* Deferred.make<Callback>()
    let expectedState: string | undefined
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
      if (expectedState === undefined || url.searchParams.get("state") !== expectedState) {
        sendHtml(response, 400, foreignCallbackPage)
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
      callback: (state: string) =>
        Effect.suspend(() => {
          expectedState = state
          return Deferred.await(callback)
        })
    } satisfies LoopbackServer
  })
