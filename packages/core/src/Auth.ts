/**
 * OAuth2 login and the current access token.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import { Clock, Context, Effect, Layer, Option, Redacted, Ref, SynchronizedRef } from "effect"
import * as Http from "./internal/http.js"
import * as TokenEndpoint from "./internal/tokenEndpoint.js"
import { KontistConfig } from "./KontistConfig.js"
import { InvalidInput, type KontistError, OAuthError, Unauthorized } from "./KontistError.js"
import * as Pkce from "./Pkce.js"
import { Token } from "./Token.js"
import { TokenStore } from "./TokenStore.js"

/**
 * What `authorizationUrl` returns: the URL to open, and the state and PKCE
 * verifier that `exchangeCode` checks the callback against.
 *
 * @since 0.1.0
 * @category models
 */
export interface AuthorizationRequest {
  readonly url: string
  readonly state: string
  readonly verifier: Option.Option<Redacted.Redacted<string>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Builds the authorization URL with a fresh state and, for clients without
   * a secret (or when `pkce` is true), a PKCE S256 challenge. The service
   * remembers the request so that `exchangeCode` can check the callback.
   */
  readonly authorizationUrl: (options?: {
    readonly state?: string | undefined
    readonly pkce?: boolean | undefined
    /**
     * A PKCE verifier kept by the caller (43 to 128 unreserved characters).
     * It implies PKCE; without it a fresh verifier is generated.
     */
    readonly verifier?: Redacted.Redacted<string> | undefined
    readonly prompt?: "none" | undefined
    readonly responseMode?: "web_message" | undefined
    /**
     * Overrides the configured redirect URI, for a loopback server whose
     * port is known only at run time. `exchangeCode` sends the same URI.
     */
    readonly redirectUri?: string | undefined
  }) => Effect.Effect<AuthorizationRequest, KontistError>

  /**
   * Exchanges the code in `callbackUrl` for a token and stores it. The state
   * must match the pending request (or `request`, when the caller kept it
   * elsewhere, as a browser does across a redirect).
   */
  readonly exchangeCode: (
    callbackUrl: string,
    request?: Pick<AuthorizationRequest, "state" | "verifier">
  ) => Effect.Effect<Token, KontistError>

  /** Password grant; only clients enabled for it may use it. */
  readonly loginWithPassword: (credentials: {
    readonly username: string
    readonly password: Redacted.Redacted<string> | string
  }) => Effect.Effect<Token, KontistError>

  /** Refreshes the stored token now, keeping the stored refresh token when the response has none. */
  readonly refresh: Effect.Effect<Token, KontistError>

  /** Stores a token obtained elsewhere. */
  readonly setToken: (token: Token) => Effect.Effect<Token, KontistError>

  /** The stored token, if any. */
  readonly token: Effect.Effect<Option.Option<Token>, KontistError>

  /**
   * The current access token, refreshed when it expires within a minute.
   * One refresh runs at a time, however many fibers wait for it.
   */
  readonly accessToken: Effect.Effect<Redacted.Redacted<string>, KontistError>

  /**
   * Marks `rejected` as refused by the server (HTTP 401) and returns a
   * renewed access token, unless another fiber already replaced it.
   */
  readonly renewAfterRejection: (rejected: Redacted.Redacted<string>) => Effect.Effect<Redacted.Redacted<string>, KontistError>

  /** Forgets the stored token. */
  readonly logout: Effect.Effect<void, KontistError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Auth extends Context.Tag("@kontist/core/Auth")<Auth, Service>() {}

/**
 * Renews a token without a refresh token, such as the browser's silent
 * renewal in a hidden iframe. `Auth` uses it when it is provided and the
 * stored token has no refresh token.
 *
 * @since 0.1.0
 * @category tags
 */
export class TokenRenewal extends Context.Tag("@kontist/core/TokenRenewal")<TokenRenewal, {
  readonly renew: Effect.Effect<Token, KontistError>
}>() {}

/**
 * How long before its expiry `accessToken` renews a token, in milliseconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const refreshSkewMillis = 60_000

/** The authorization request that `exchangeCode` checks a callback against. */
interface PendingAuthorization {
  readonly state: string
  readonly verifier: Option.Option<Redacted.Redacted<string>>
  readonly redirectUri: string
}

const noToken = () =>
  new Unauthorized({
    reason: "NoToken",
    description: "No token is stored; log in first (authorizationUrl and exchangeCode, or loginWithPassword)"
  })

/**
 * Creates the service. It stores tokens in `TokenStore` and sends token
 * requests through `HttpClient`. When a `TokenRenewal` is in the context
 * (here or where `accessToken` runs), it renews tokens that have no refresh
 * token.
 *
 * Token requests are never retried, because an authorization code can be
 * redeemed only once. The refresh grant sends the client secret when one is
 * configured; a public PKCE client refreshes without it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, HttpClient.HttpClient | KontistConfig | TokenStore> = Effect.gen(
  function*() {
    const config = yield* KontistConfig
    const store = yield* TokenStore
    const http = yield* Http.make()
    const renewalFromLayer = yield* Effect.serviceOption(TokenRenewal)
    const pending = yield* Ref.make(Option.none<PendingAuthorization>())
    // Renewals run one at a time under this ref's lock. Its value counts
    // them, so that a fiber that saw an older count reuses the token renewed
    // since instead of renewing again.
    const renewals = yield* SynchronizedRef.make(0)
    // Counts the writes of logins, setToken and logout. They take only
    // `writeLock`, never the renewal lock, so a TokenRenewal may call them.
    const writes = yield* Ref.make(0)
    const writeLock = yield* Effect.makeSemaphore(1)

    const tokenEndpoint = TokenEndpoint.make(config, http)
    const requestToken = tokenEndpoint.request
    const toToken = tokenEndpoint.toToken

    const storeToken = (token: Token) =>
      writeLock.withPermits(1)(Effect.zipRight(Ref.update(writes, (count) => count + 1), store.set(token))).pipe(
        Effect.as(token)
      )

    const requireToken = Effect.flatMap(
      store.get,
      Option.match({ onNone: () => Effect.fail(noToken()), onSome: Effect.succeed })
    )

    const isFresh = (token: Token) =>
      Effect.map(Clock.currentTimeMillis, (now) => token.expiresAt - refreshSkewMillis > now)

    // The refresh grant keeps `confirmed`: refreshing a confirmed refresh
    // token gives a confirmed access token.
    const refreshWith = (stored: Token, refreshToken: Redacted.Redacted<string>) =>
      requestToken("refresh_token", {
        refresh_token: Redacted.value(refreshToken),
        ...tokenEndpoint.clientSecretParam
      }).pipe(
        Effect.flatMap((response) => toToken(response, Option.some(stored), stored.confirmed))
      )

    // Renews `stored` with its refresh token, else with `TokenRenewal`, else
    // fails with `whenImpossible`. The caller holds the lock and stores the result.
    const renewStored = (stored: Token, whenImpossible: () => KontistError) =>
      Effect.gen(function*() {
        if (Option.isSome(stored.refreshToken)) return yield* refreshWith(stored, stored.refreshToken.value)

        const renewal = Option.orElse(yield* Effect.serviceOption(TokenRenewal), () => renewalFromLayer)
        if (Option.isSome(renewal)) return yield* renewal.value.renew
        return yield* Effect.fail(whenImpossible())
      })

    const renewLocked = (
      decide: (stored: Token, renewalCount: number) => Effect.Effect<boolean>,
      whenImpossible: () => KontistError
    ) =>
      SynchronizedRef.modifyEffect(renewals, (renewalCount) =>
        Effect.gen(function*() {
          const writesBefore = yield* Ref.get(writes)
          const stored = yield* requireToken
          if (!(yield* decide(stored, renewalCount))) return [stored, renewalCount] as const

          const renewed = yield* renewStored(stored, whenImpossible)
          // A login, setToken or logout during the renewal wins over its
          // result, so that a logout cannot be undone by a late refresh.
          const result = yield* writeLock.withPermits(1)(Effect.gen(function*() {
            if ((yield* Ref.get(writes)) !== writesBefore) return yield* requireToken
            yield* store.set(renewed)
            return renewed
          }))
          return [result, renewalCount + 1] as const
        }))

    const authorizationUrl = Effect.fn("Kontist.Auth.authorizationUrl")(function*(
      options?: Parameters<Service["authorizationUrl"]>[0]
    ) {
      const redirectUri = options?.redirectUri ?? Option.getOrUndefined(config.redirectUri)
      if (redirectUri === undefined) {
        return yield* new InvalidInput({
          field: "redirectUri",
          reason: "no redirect URI is configured; set redirectUri in KontistConfig or pass it to authorizationUrl"
        })
      }

      const state = options?.state ?? (yield* Pkce.generateState)
      const verifier = options?.verifier !== undefined
        ? Option.some(yield* Pkce.validateVerifier(options.verifier))
        : (options?.pkce ?? Option.isNone(config.clientSecret))
        ? Option.some(yield* Pkce.generateVerifier())
        : Option.none()

      const params = new URLSearchParams({
        response_type: "code",
        client_id: config.clientId,
        redirect_uri: redirectUri,
        scope: config.scopes.join(" "),
        state
      })
      if (Option.isSome(verifier)) {
        params.set("code_challenge", yield* Pkce.deriveChallenge(verifier.value))
        params.set("code_challenge_method", "S256")
      }
      if (options?.prompt !== undefined) params.set("prompt", options.prompt)
      if (options?.responseMode !== undefined) params.set("response_mode", options.responseMode)

      yield* Ref.set(pending, Option.some({ state, verifier, redirectUri }))
      return { url: `${config.baseUrl}/api/oauth/authorize?${params.toString()}`, state, verifier }
    })

    const exchangeCode = Effect.fn("Kontist.Auth.exchangeCode")(function*(
      callbackUrl: string,
      request?: Pick<AuthorizationRequest, "state" | "verifier">
    ) {
      let url: URL
      try {
        url = new URL(callbackUrl)
      } catch {
        return yield* new InvalidInput({
          field: "callbackUrl",
          reason: "not an absolute URL; pass the whole URL the browser was redirected to"
        })
      }

      const pendingRequest = yield* Ref.get(pending)
      const expected = request ?? Option.getOrUndefined(pendingRequest)
      if (expected === undefined) {
        return yield* new OAuthError({
          error: "no_pending_authorization",
          description: "there is no authorization request to match the callback against; call authorizationUrl first"
        })
      }

      const returnedState = url.searchParams.get("state")
      if (returnedState !== expected.state) {
        return yield* new OAuthError({
          error: "state_mismatch",
          description: returnedState === null
            ? "the callback has no state parameter; start a new login"
            : "the callback's state does not match the authorization request, so it may be forged " +
              "or belong to another login; start a new login"
        })
      }

      // The request is finished whatever the callback contains, because a code is single use.
      const matchingPending = Option.filter(pendingRequest, (entry) => entry.state === returnedState)
      if (Option.isSome(matchingPending)) yield* Ref.set(pending, Option.none())

      const error = url.searchParams.get("error")
      if (error !== null) {
        return yield* new OAuthError({
          error,
          description: url.searchParams.get("error_description") ?? `the authorization server returned ${error}`
        })
      }
      const code = url.searchParams.get("code")
      if (code === null) {
        return yield* new OAuthError({
          error: "missing_code",
          description: "the callback has neither a code nor an error"
        })
      }

      const redirectUri = Option.match(matchingPending, {
        onNone: () => Option.getOrUndefined(config.redirectUri),
        onSome: (entry) => entry.redirectUri
      })
      if (redirectUri === undefined) {
        return yield* new InvalidInput({
          field: "redirectUri",
          reason: "no redirect URI is configured; set redirectUri in KontistConfig"
        })
      }

      const verifierParam = Option.match(expected.verifier, {
        onNone: (): Record<string, string> => ({}),
        onSome: (verifier): Record<string, string> => ({ code_verifier: Redacted.value(verifier) })
      })
      const response = yield* requestToken("authorization_code", {
        code,
        redirect_uri: redirectUri,
        ...tokenEndpoint.clientSecretParam,
        ...verifierParam
      })
      return yield* storeToken(yield* toToken(response, Option.none(), false))
    })

    const loginWithPassword = Effect.fn("Kontist.Auth.loginWithPassword")(function*(
      credentials: Parameters<Service["loginWithPassword"]>[0]
    ) {
      const password = typeof credentials.password === "string"
        ? credentials.password
        : Redacted.value(credentials.password)
      const response = yield* requestToken("password", {
        username: credentials.username,
        password,
        scope: config.scopes.join(" "),
        ...tokenEndpoint.clientSecretParam
      })
      return yield* storeToken(yield* toToken(response, Option.none(), false))
    })

    const refresh = renewLocked(
      () => Effect.succeed(true),
      () =>
        new OAuthError({
          error: "no_refresh_token",
          description: "the stored token has no refresh token; request the offline scope at login, or log in again"
        })
    ).pipe(Effect.withSpan("Kontist.Auth.refresh"))

    const accessToken = Effect.gen(function*() {
      const seen = yield* SynchronizedRef.get(renewals)
      const stored = yield* requireToken
      if (yield* isFresh(stored)) return stored.accessToken

      // Only the first fiber through the lock renews. The others find a
      // higher renewal count, or a fresh token, and reuse it.
      const renewed = yield* renewLocked(
        (latest, renewalCount) => Effect.map(isFresh(latest), (fresh) => !fresh && renewalCount === seen),
        () =>
          new Unauthorized({
            reason: "Expired",
            description: "The access token expired and there is no refresh token to renew it; log in again"
          })
      )
      return renewed.accessToken
    }).pipe(Effect.withSpan("Kontist.Auth.accessToken"))

    const renewAfterRejection = Effect.fn("Kontist.Auth.renewAfterRejection")(function*(
      rejected: Redacted.Redacted<string>
    ) {
      // Renew only if the rejected token is still the stored one; otherwise
      // another fiber has already replaced it.
      const renewed = yield* renewLocked(
        (latest) => Effect.succeed(Redacted.value(latest.accessToken) === Redacted.value(rejected)),
        () =>
          new Unauthorized({
            reason: "Rejected",
            description:
              "The API rejected the access token (HTTP 401) and there is no refresh token to renew it; log in again"
          })
      )
      return renewed.accessToken
    })

    const setToken = Effect.fn("Kontist.Auth.setToken")(function*(token: Token) {
      return yield* storeToken(token)
    })

    const logout = Effect.gen(function*() {
      yield* Ref.set(pending, Option.none())
      yield* writeLock.withPermits(1)(Effect.zipRight(Ref.update(writes, (count) => count + 1), store.clear))
    }).pipe(Effect.withSpan("Kontist.Auth.logout"))

    return Auth.of({
      authorizationUrl,
      exchangeCode,
      loginWithPassword,
      refresh,
      setToken,
      token: store.get,
      accessToken,
      renewAfterRejection,
      logout
    })
  }
)

/**
 * The `Auth` service. It needs an `HttpClient`, a `KontistConfig` and a
 * `TokenStore`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Auth, KontistConfig, TokenStore } from "@kontist/core"
 * import { Effect, Layer } from "effect"
 *
 * const AuthLive = Auth.layer.pipe(
 *   Layer.provide(KontistConfig.layer({ clientId: "my-client", redirectUri: "http://127.0.0.1:8080/callback" })),
 *   Layer.provide(TokenStore.layerMemory),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * const login = Effect.gen(function*() {
 *   const auth = yield* Auth.Auth
 *   const request = yield* auth.authorizationUrl()
 *   console.log(`Open ${request.url}`)
 *   // ...later, with the URL the browser was redirected to:
 *   // yield* auth.exchangeCode(callbackUrl)
 * }).pipe(Effect.provide(AuthLive))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Auth, never, HttpClient.HttpClient | KontistConfig | TokenStore> = Layer.effect(
  Auth,
  make
)
