/**
 * Silent renewal: a new access token without a refresh token and without
 * leaving the page. A hidden iframe opens the authorization URL with
 * `prompt=none&response_mode=web_message`; the authorization server responds
 * from its session cookie by posting the code to this window.
 *
 * A PKCE login whose redirect URI is a web page gets no refresh token, so a
 * browser app provides `layer` as `Auth`'s `TokenRenewal`.
 *
 * @since 0.1.0
 */
import { Auth, TokenRenewal } from "@kontist/core/Auth"
import { KontistConfig } from "@kontist/core/KontistConfig"
import { InvalidInput, type KontistError, OAuthError } from "@kontist/core/KontistError"
import type { Token } from "@kontist/core/Token"
import { Context, Deferred, Duration, Effect, Exit, Layer, Option, Schema } from "effect"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * How long to wait for the authorization server's message before failing
   * with `OAuthError` `timeout`. Defaults to 10 seconds.
   */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(10)

/**
 * The `error` of the `OAuthError` when no message arrives in time.
 *
 * @since 0.1.0
 * @category constants
 */
export const timeoutError = "timeout"

// The two shapes of a `web_message` response: `{ response: { code, state } }`
// on success, and the error either at the top level or inside `response`.
const WebMessage = Schema.Union(
  Schema.Struct({
    response: Schema.Struct({ code: Schema.String, state: Schema.String })
  }),
  Schema.Struct({
    error: Schema.String,
    error_description: Schema.optional(Schema.String),
    state: Schema.optional(Schema.String)
  }),
  Schema.Struct({
    response: Schema.Struct({
      error: Schema.String,
      error_description: Schema.optional(Schema.String),
      state: Schema.optional(Schema.String)
    })
  })
)

type WebMessage = typeof WebMessage.Type

const decodeWebMessage = Schema.decodeUnknownOption(WebMessage)

const createHiddenIframe = Effect.acquireRelease(
  Effect.sync(() => {
    const iframe = document.createElement("iframe")
    iframe.title = "Kontist silent token renewal"
    iframe.setAttribute("aria-hidden", "true")
    iframe.tabIndex = -1
    iframe.style.display = "none"
    return iframe
  }),
  (iframe) => Effect.sync(() => iframe.remove())
)

/**
 * Opens `url` in a hidden iframe and waits for the first message that the
 * iframe's window posts from `origin` and that has a `web_message` shape.
 * Messages from any other window or origin are ignored. The iframe and the
 * listener are removed when the scope closes, whatever the outcome.
 */
const awaitWebMessage = (url: string, origin: string) =>
  Effect.gen(function*() {
    const received = yield* Deferred.make<WebMessage>()
    const iframe = yield* createHiddenIframe

    yield* Effect.acquireRelease(
      Effect.sync(() => {
        const listener = (event: MessageEvent) => {
          if (event.origin !== origin || event.source !== iframe.contentWindow) {
            return
          }
          const message = decodeWebMessage(event.data)
          if (Option.isSome(message)) {
            Deferred.unsafeDone(received, Exit.succeed(message.value))
          }
        }
        window.addEventListener("message", listener)
        return listener
      }),
      (listener) => Effect.sync(() => window.removeEventListener("message", listener))
    )

    // The listener is in place before the iframe starts loading, so an
    // immediate response cannot be missed.
    iframe.src = url
    ;(document.body ?? document.documentElement).appendChild(iframe)

    return yield* Deferred.await(received)
  })

const failure = (error: string, description: string) =>
  new OAuthError({
    error,
    description: `silent renewal failed (${description}). Log in again with RedirectLogin.redirectToLogin().`
  })

/**
 * Renews the token in a hidden iframe and stores it: builds a PKCE
 * authorization URL with `prompt=none&response_mode=web_message`, accepts a
 * message only from the API's origin (`KontistConfig.baseUrl`), checks its
 * state and exchanges its code with `Auth.exchangeCode`. The request is not
 * remembered by `Auth`, so a renewal that runs while an interactive login
 * waits for its callback does not replace that login's state and verifier.
 *
 * It needs `KontistConfig.redirectUri`: the authorization server checks it
 * against the URIs registered for the client, and the code exchange must
 * send the same one. Without it, the renewal fails with `InvalidInput`
 * before any request.
 *
 * Fails with `OAuthError` carrying the server's `error` (such as
 * `login_required` when the session at the API has ended), `state_mismatch`,
 * or `timeout` when no message arrives within `options.timeout`.
 *
 * @since 0.1.0
 * @category renewal
 */
export const renew = (options: Options = {}): Effect.Effect<Token, KontistError, Auth | KontistConfig> =>
  Effect.gen(function*() {
    const auth = yield* Auth
    const config = yield* KontistConfig
    const origin = new URL(config.baseUrl).origin
    const timeout = Duration.decode(options.timeout ?? defaultTimeout)
    if (Option.isNone(config.redirectUri)) {
      return yield* new InvalidInput({
        field: "redirectUri",
        reason:
          "silent renewal needs the redirect URI registered for this app; set redirectUri in KontistConfig to the one the login used"
      })
    }
    const redirectUri = config.redirectUri.value

    const request = yield* auth.authorizationUrl({
      pkce: true,
      prompt: "none",
      responseMode: "web_message",
      redirectUri,
      remember: false
    })
    // The URL is used as built, because encoding the state again would make
    // the server echo a value other than the one issued.
    const message = yield* awaitWebMessage(request.url, origin).pipe(
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () =>
          failure(timeoutError, `timed out after ${Duration.format(timeout)} waiting for an authorization response from ${origin}`)
      }),
      Effect.scoped
    )

    if ("error" in message) {
      return yield* failure(message.error, message.error_description ?? `the authorization server returned ${message.error}`)
    }
    if ("error" in message.response) {
      const { error, error_description } = message.response
      return yield* failure(error, error_description ?? `the authorization server returned ${error}`)
    }

    const { code, state } = message.response
    if (state !== request.state) {
      return yield* new OAuthError({
        error: "state_mismatch",
        description:
          "the silent renewal response carries a state other than the one sent, so it was discarded. Try again, or log in again with RedirectLogin.redirectToLogin()."
      })
    }

    // `exchangeCode` reads the code from a callback URL. The request was not
    // remembered, so it gets the state, verifier and redirect URI from here.
    const callbackUrl = new URL(redirectUri)
    callbackUrl.searchParams.set("code", code)
    callbackUrl.searchParams.set("state", state)
    return yield* auth.exchangeCode(callbackUrl.href, { state: request.state, verifier: request.verifier, redirectUri })
  }).pipe(Effect.withSpan("Kontist.SilentRenewal.renew"))

/**
 * Builds the `TokenRenewal` service from the `Auth` and `KontistConfig` in
 * the context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Context.Tag.Service<typeof TokenRenewal>, never, Auth | KontistConfig> =>
  Effect.map(
    Effect.context<Auth | KontistConfig>(),
    (context) => TokenRenewal.of({ renew: Effect.provide(renew(options), context) })
  )

/**
 * Provides silent renewal as the `TokenRenewal` that `Auth.accessToken` uses
 * when the stored token has no refresh token.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<TokenRenewal, never, Auth | KontistConfig> =>
  Layer.effect(TokenRenewal, make(options))
