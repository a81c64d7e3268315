/**
 * Login by redirect with PKCE: `redirectToLogin` sends the tab to the
 * authorization page, and `completeLogin` exchanges the code when the tab
 * comes back to the redirect URI.
 *
 * The state and the PKCE verifier must survive the full page load in
 * between, so they are kept in `sessionStorage`, which belongs to the tab and
 * the origin. They are removed as soon as the login completes or fails.
 *
 * @since 0.1.0
 */
import { Auth } from "@kontist/core/Auth"
import { type KontistError, OAuthError } from "@kontist/core/KontistError"
import type { Token } from "@kontist/core/Token"
import { Effect, Option, Redacted, Schema } from "effect"

/**
 * The `sessionStorage` key of the pending login's state and verifier.
 *
 * @since 0.1.0
 * @category constants
 */
export const pendingLoginKey = "kontist-pending-login"

/**
 * The query parameters of an authorization callback (RFC 6749 section 4.1.2),
 * which `completeLogin` removes from the address bar.
 *
 * @since 0.1.0
 * @category constants
 */
export const callbackParameters: ReadonlyArray<string> = ["code", "state", "error", "error_description", "error_uri"]

const PendingLogin = Schema.parseJson(Schema.Struct({
  state: Schema.String,
  verifier: Schema.optional(Schema.String)
}))

const decodePendingLogin = Schema.decodeUnknownOption(PendingLogin)
const encodePendingLogin = Schema.encodeSync(PendingLogin)

/**
 * Starts a PKCE login: builds the authorization URL, keeps its state and
 * verifier in `sessionStorage`, and navigates the tab there with
 * `location.assign`. The authorization server later sends the tab back to
 * the configured redirect URI, where the page calls `completeLogin`. The
 * effect succeeds once the navigation has started, shortly before the page
 * unloads.
 *
 * @since 0.1.0
 * @category login
 */
export const redirectToLogin = (options: {
  /** A state of your own; by default a random one is generated. */
  readonly state?: string | undefined
} = {}): Effect.Effect<void, KontistError, Auth> =>
  Effect.gen(function*() {
    const auth = yield* Auth
    const request = yield* auth.authorizationUrl({ pkce: true, state: options.state })

    yield* Effect.sync(() => {
      sessionStorage.setItem(pendingLoginKey, encodePendingLogin({
        state: request.state,
        verifier: Option.getOrUndefined(Option.map(request.verifier, Redacted.value))
      }))
      location.assign(request.url)
    })
  }).pipe(Effect.withSpan("Kontist.RedirectLogin.redirectToLogin"))

/**
 * Tells whether `href` carries an authorization callback: a `state` with a
 * `code` or an `error`.
 *
 * @since 0.1.0
 * @category login
 */
export const isLoginCallback = (href: string): boolean => {
  const parameters = new URL(href).searchParams
  return parameters.has("state") && (parameters.has("code") || parameters.has("error"))
}

const takePendingLogin = Effect.sync(() => {
  const stored = sessionStorage.getItem(pendingLoginKey)
  sessionStorage.removeItem(pendingLoginKey)
  return stored === null ? Option.none() : decodePendingLogin(stored)
})

const removeCallbackParameters = Effect.sync(() => {
  const url = new URL(location.href)
  const before = url.search
  for (const name of callbackParameters) {
    url.searchParams.delete(name)
  }
  if (url.search !== before) {
    history.replaceState(history.state, "", url.href)
  }
})

/**
 * Completes the login that `redirectToLogin` started: takes the kept state
 * and verifier from `sessionStorage`, and lets `Auth.exchangeCode` check the
 * state in `href`, exchange the code and store the token. Whether it succeeds
 * or fails, the kept values are removed and `code`, `state` and the `error`
 * parameters leave the address bar (`history.replaceState`).
 *
 * Fails with `OAuthError` `no_pending_authorization` when this tab started no
 * login, and with the `OAuthError` of `exchangeCode` for a state mismatch or
 * an `error` parameter such as `access_denied`.
 *
 * @since 0.1.0
 * @category login
 */
export const completeLogin = (href: string): Effect.Effect<Token, KontistError, Auth> =>
  Effect.gen(function*() {
    const auth = yield* Auth
    const pending = yield* takePendingLogin

    if (Option.isNone(pending)) {
      return yield* new OAuthError({
        error: "no_pending_authorization",
        description:
          `this tab has no login in progress (sessionStorage key ${pendingLoginKey} is missing or invalid); start one with redirectToLogin()`
      })
    }

    return yield* auth.exchangeCode(href, {
      state: pending.value.state,
      verifier: Option.map(Option.fromNullable(pending.value.verifier), Redacted.make)
    })
  }).pipe(
    Effect.ensuring(removeCallbackParameters),
    Effect.withSpan("Kontist.RedirectLogin.completeLogin")
  )
