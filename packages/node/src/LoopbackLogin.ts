/**
 * Logs a command-line program in through the user's browser: a loopback HTTP
 * server receives the OAuth2 redirect (RFC 8252, section 7.3).
 *
 * @since 0.1.0
 */
import * as Auth from "@kontist/core/Auth"
import * as KontistConfig from "@kontist/core/KontistConfig"
import type { KontistError } from "@kontist/core/KontistError"
import { Console, Duration, Effect, Option, Schema } from "effect"
import * as ChildProcess from "node:child_process"
import * as LoopbackServer from "./internal/loopbackServer.js"

/**
 * The loopback login failed before the code exchange: the server could not
 * listen, or no callback arrived in time.
 *
 * @since 0.1.0
 * @category errors
 */
export class LoopbackLoginError extends Schema.TaggedError<LoopbackLoginError>("@kontist/node/LoopbackLoginError")(
  "LoopbackLoginError",
  {
    reason: Schema.Literal("ListenFailed", "Timeout"),
    /** The redirect URI the server listened on, or tried to. */
    redirectUri: Schema.String,
    description: Schema.String
  }
) {
  override get message(): string {
    return this.description
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface LoginOptions {
  /**
   * Loopback address to listen on. Defaults to `127.0.0.1`, or `::1` when the
   * configured redirect URI names `[::1]`.
   */
  readonly host?: "127.0.0.1" | "::1" | undefined
  /**
   * Port to listen on, where 0 lets the system choose. Defaults to the port
   * of `KontistConfig.redirectUri` when that is a loopback `http` URL with a
   * port, for clients registered with one fixed redirect URI, and to 0
   * otherwise.
   */
  readonly port?: number | undefined
  /** Path of the redirect URI. Defaults to the configured one, or `/callback`. */
  readonly path?: string | undefined
  /** How long to wait for the browser to return. Defaults to 5 minutes. */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * Shows the authorization URL to the user. Defaults to printing it with
   * `Console.log`.
   */
  readonly onUrl?: ((url: string) => Effect.Effect<void>) | undefined
  /** Also opens the URL in the system's default browser. Defaults to false. */
  readonly openBrowser?: boolean | undefined
  /** Forces PKCE even for a client with a secret. */
  readonly pkce?: boolean | undefined
}

interface Listener {
  readonly host: "127.0.0.1" | "::1"
  readonly port: number
  readonly path: string
  /** The configured redirect URI when it fixes the port, kept verbatim because the server compares strings. */
  readonly fixedRedirectUri: Option.Option<string>
}

const loopbackHosts: Record<string, "127.0.0.1" | "::1"> = {
  "127.0.0.1": "127.0.0.1",
  "localhost": "127.0.0.1",
  "[::1]": "::1"
}

const resolveListener = (configured: Option.Option<string>, options: LoginOptions): Listener => {
  const parsed = Option.flatMap(configured, (uri) => Option.liftThrowable(() => new URL(uri))())
  const loopback = Option.filter(
    parsed,
    (url) => url.protocol === "http:" && url.port !== "" && loopbackHosts[url.hostname] !== undefined
  )

  if (options.port === undefined && Option.isSome(loopback)) {
    const url = loopback.value
    return {
      host: options.host ?? loopbackHosts[url.hostname] ?? "127.0.0.1",
      port: Number(url.port),
      path: url.pathname,
      fixedRedirectUri: configured
    }
  }

  return {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    path: options.path ?? "/callback",
    fixedRedirectUri: Option.none()
  }
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title>` +
  `<body style="font-family: system-ui, sans-serif; margin: 3rem; max-width: 40rem">` +
  `<h1>${title}</h1><p>${body}</p></body></html>`

const successPage = page("Logged in to Kontist", "You can close this tab and return to the terminal.")
const failurePage = (error: { readonly message: string }) =>
  page("Kontist login failed", `${escapeHtml(error.message)}<br>Return to the terminal and start the login again.`)
const abandonedPage = page("Kontist login stopped", "The program stopped waiting for this login. Start it again from the terminal.")

const printUrl = (url: string) => Console.log(`Open this URL in a browser to log in to Kontist:\n${url}`)

const browserCommand = (url: string): [string, Array<string>] => {
  switch (process.platform) {
    case "darwin":
      return ["open", [url]]
    case "win32":
      return ["rundll32", ["url.dll,FileProtocolHandler", url]]
    default:
      return ["xdg-open", [url]]
  }
}

// A browser that fails to open is not fatal because the URL was already shown.
const openInBrowser = (url: string) => {
  const [command, args] = browserCommand(url)
  return Effect.async<void, Error>((resume) => {
    const child = ChildProcess.spawn(command, args, { stdio: "ignore", detached: true })
    child.once("spawn", () => {
      child.unref()
      resume(Effect.void)
    })
    child.once("error", (error) => resume(Effect.fail(error)))
  }).pipe(
    Effect.catchAll((error) =>
      Effect.logDebug(`Starting ${command} to open the browser failed, so the user has to open the printed URL`, error)
    )
  )
}

/**
 * Logs in with the authorization code flow through the system browser and
 * returns the stored token. The token is unconfirmed: pass it through
 * `Mfa.confirmedToken` before banking operations.
 *
 * It listens on a loopback port and builds the authorization URL for the
 * redirect URI `http://127.0.0.1:PORT/callback`. It shows the URL with
 * `onUrl`, and also opens it when `openBrowser` is set. When the browser
 * returns, it exchanges the code with `Auth.exchangeCode` and sends the
 * browser a short HTML page. Requests to the callback path with another
 * `state` get HTTP 400 and the login keeps waiting. The server stops when
 * the effect ends, however it ends.
 *
 * @since 0.1.0
 * @category login
 * @example
 * ```ts
 * import { Mfa } from "@kontist/core"
 * import { LoopbackLogin } from "@kontist/node"
 * import { Effect } from "effect"
 *
 * const login = Effect.gen(function*() {
 *   yield* LoopbackLogin.loginWithBrowser({ openBrowser: true, timeout: "2 minutes" })
 *   const mfa = yield* Mfa.Mfa
 *   return yield* mfa.confirmedToken()
 * })
 * ```
 */
export const loginWithBrowser = Effect.fn("Kontist.LoopbackLogin.loginWithBrowser")(function*(options: LoginOptions = {}) {
  const config = yield* KontistConfig.KontistConfig
  const listener = resolveListener(config.redirectUri, options)
  const hostInUri = listener.host === "::1" ? "[::1]" : listener.host
  const requestedUri = `http://${hostInUri}:${listener.port}${listener.path}`

  const server = yield* LoopbackServer.listen({
    host: listener.host,
    port: listener.port,
    path: listener.path,
    abandonedPage
  }).pipe(
    Effect.mapError((cause) =>
      new LoopbackLoginError({
        reason: "ListenFailed",
        redirectUri: requestedUri,
        description: `Listening on ${requestedUri} failed: ${cause.message}. Choose another port with the port option.`
      })
    )
  )
  const redirectUri = Option.getOrElse(listener.fixedRedirectUri, () => `http://${hostInUri}:${server.port}${listener.path}`)

  const auth = yield* Auth.Auth
  const request = yield* auth.authorizationUrl({ pkce: options.pkce, redirectUri })
  yield* (options.onUrl ?? printUrl)(request.url)
  if (options.openBrowser === true) {
    yield* openInBrowser(request.url)
  }

  const timeout = Duration.decode(options.timeout ?? Duration.minutes(5))
  const callback = yield* server.callback(request.state).pipe(
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () =>
        new LoopbackLoginError({
          reason: "Timeout",
          redirectUri,
          description: `No login callback reached ${redirectUri} within ${Duration.format(timeout)}. Start the login again.`
        })
    })
  )

  const callbackUrl = new URL(callback.requestUrl, redirectUri).href
  // The server accepted only this request's state. Without an explicit
  // request, exchangeCode checks the state again against the pending one and
  // sends its redirect URI.
  return yield* auth.exchangeCode(callbackUrl).pipe(
    Effect.tapBoth({
      onFailure: (error: KontistError) => callback.respond(400, failurePage(error)),
      onSuccess: () => callback.respond(200, successPage)
    })
  )
}, Effect.scoped)
