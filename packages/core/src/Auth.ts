/**
 * OAuth2 login and the current access token.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { Cause, Clock, Context, Effect, Exit, Layer, Option, Redacted, Ref, SynchronizedRef } from "effect"
import * as Http from "./internal/http.js"
import * as TokenEndpoint from "./internal/tokenEndpoint.js"
import { KontistConfig } from "./KontistConfig.js"
import { InvalidInput, type KontistError, OAuthError, Unauthorized } from "./KontistError.js"
import * as Pkce from "./Pkce.js"
import { Token, type TokenIssuer } from "./Token.js"
import { TokenStore } from "./TokenStore.js"

/**
 * The result of `authorizationUrl`: the URL to open, and the state and PKCE
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
 * An authorization request that the caller kept itself and passes to
 * `exchangeCode`. Pass `redirectUri` when `authorizationUrl` was called with
 * one and `remember: false`. Without it, `exchangeCode` sends the redirect
 * URI of the matching remembered request, else the configured one.
 *
 * @since 0.1.0
 * @category models
 */
export interface KeptAuthorizationRequest {
  readonly state: string
  readonly verifier: Option.Option<Redacted.Redacted<string>>
  readonly redirectUri?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Builds the authorization URL with a fresh state and, for clients without
   * a secret (or when `pkce` is true), a PKCE S256 challenge. Unless
   * `remember` is false, the service remembers the request, replacing the
   * one remembered before, so that `exchangeCode` can check the callback.
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
    /**
     * False leaves the remembered request in place, for a caller that keeps
     * this request itself and passes it to `exchangeCode`, such as a silent
     * renewal running while an interactive login waits for its callback.
     * Defaults to true.
     */
    readonly remember?: boolean | undefined
  }) => Effect.Effect<AuthorizationRequest, KontistError>

  /**
   * Exchanges the code in `callbackUrl` for a token and stores it. The state
   * must match the remembered request (or `request`, when the caller kept it
   * elsewhere, as a browser does across a redirect).
   *
   * Once the token request is sent, the exchange is uninterruptible until
   * the token is stored, because the code is single use.
   */
  readonly exchangeCode: (
    callbackUrl: string,
    request?: KeptAuthorizationRequest
  ) => Effect.Effect<Token, KontistError>

  /**
   * Password grant; only clients enabled for it may use it. Uninterruptible
   * from the token request until the token is stored.
   */
  readonly loginWithPassword: (credentials: {
    readonly username: string
    readonly password: Redacted.Redacted<string> | string
  }) => Effect.Effect<Token, KontistError>

  /**
   * Refreshes the stored token now, keeping the stored refresh token when
   * the response has none. Each call sends its own token request. The
   * request and the store of its result are uninterruptible, because the
   * server may replace the refresh token with a new one.
   */
  readonly refresh: Effect.Effect<Token, KontistError>

  /**
   * Stores a token obtained elsewhere and returns it. A token without
   * `issuer` gets the configured API and client as its issuer. A token
   * whose issuer differs fails with `InvalidInput` and is not stored.
   */
  readonly setToken: (token: Token) => Effect.Effect<Token, KontistError>

  /**
   * The stored token, if any. A stored token whose issuer differs from
   * `KontistConfig`, or that has no issuer, counts as none.
   */
  readonly token: Effect.Effect<Option.Option<Token>, KontistError>

  /**
   * The current access token, renewed when it expires within a minute (or
   * within half its lifetime, for a token that lives less than two minutes).
   *
   * One renewal runs at a time. Every fiber that was waiting for a renewal
   * gets its outcome, success or failure, so a failing refresh is sent once
   * however many fibers wait. A call that starts after a renewal failed
   * tries again.
   *
   * A stored token of another API or client (see `token`) is never sent:
   * `accessToken` then fails with `Unauthorized` (`NoToken`).
   */
  readonly accessToken: Effect.Effect<Redacted.Redacted<string>, KontistError>

  /**
   * Marks `rejected` as refused by the server (HTTP 401) and returns a
   * renewed access token, unless another fiber already replaced it. Fibers
   * that wait for a running renewal share its outcome, as in `accessToken`.
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
 * How long before its expiry `accessToken` renews a token, in milliseconds,
 * at most. A token that lives less than twice as long is renewed at half its
 * lifetime instead.
 *
 * @since 0.1.0
 * @category constants
 */
export const refreshSkewMillis = 60_000

/**
 * Milliseconds before expiry at which `token` is renewed. A token stored
 * without `issuedAt` gets the full `refreshSkewMillis`, so a short-lived one
 * is renewed at once and its successor carries `issuedAt`.
 */
const refreshSkewOf = (token: Token): number =>
  token.issuedAt === undefined
    ? refreshSkewMillis
    : Math.min(refreshSkewMillis, Math.max(0, token.expiresAt - token.issuedAt) / 2)

/** The authorization request that `exchangeCode` checks a callback against. */
interface PendingAuthorization {
  readonly state: string
  readonly verifier: Option.Option<Redacted.Redacted<string>>
  readonly redirectUri: string
}

/** The outcome of the last renewal round. */
interface RoundOutcome {
  readonly exit: Exit.Exit<Token, KontistError>
  /** The count of writes (logins, setToken, logout) when the round ended. */
  readonly writes: number
}

/** The state kept under the renewal lock. */
interface Renewals {
  /** Renewal rounds finished so far. */
  readonly rounds: number
  readonly last: Option.Option<RoundOutcome>
}

/** The options of one `renewLocked` call. */
interface RenewalRequest {
  /**
   * The round count the caller read before it waited for the lock. When a
   * round finished since, the caller gets that round's outcome. Undefined
   * always starts a new round, as `refresh` does.
   */
  readonly seen: number | undefined
  /** Decides from the stored token whether a new round is needed. */
  readonly needsRenewal: (stored: Token) => Effect.Effect<boolean>
  /** The failure when the token can be renewed neither by refresh token nor by `TokenRenewal`. */
  readonly whenImpossible: () => KontistError
}

const noToken = () =>
  new Unauthorized({
    reason: "NoToken",
    description: "No token is stored; log in first (authorizationUrl and exchangeCode, or loginWithPassword)"
  })

const describeIssuer = (issuer: TokenIssuer): string => `${issuer.baseUrl} (client ${issuer.clientId})`

const sameIssuer = (left: TokenIssuer, right: TokenIssuer): boolean =>
  left.baseUrl === right.baseUrl && left.clientId === right.clientId

/**
 * Returns the failure for a stored token that `configured` did not issue,
 * or undefined when it did. A token without an issuer is rejected as well,
 * because nothing shows which API it belongs to.
 */
const checkIssuer = (token: Token, configured: TokenIssuer): Unauthorized | undefined => {
  if (token.issuer === undefined) {
    return new Unauthorized({
      reason: "NoToken",
      description: "The stored token does not record which API and client issued it, as tokens stored by older " +
        `SDK versions do not, so it is not sent to ${describeIssuer(configured)}. Log in again to replace it.`
    })
  }
  if (sameIssuer(token.issuer, configured)) return undefined
  return new Unauthorized({
    reason: "NoToken",
    description: `The stored token belongs to another API or client: ${describeIssuer(token.issuer)} issued it, ` +
      `but the SDK is configured for ${describeIssuer(configured)}, so it is not sent. Log in again to replace it.`
  })
}

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
 * A token request and the store of its result are uninterruptible, so an
 * interruption waits until the response has arrived and is stored. A code
 * or a rotated refresh token that the server has redeemed is not lost.
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
    // Renewals run one at a time under this ref's lock. It counts the
    // finished rounds and keeps the outcome of the last one, so that fibers
    // that waited for a round share its result instead of renewing again.
    const renewals = yield* SynchronizedRef.make<Renewals>({ rounds: 0, last: Option.none() })
    // Counts the writes of logins, setToken and logout. They take only
    // `writeLock`, never the renewal lock, so a TokenRenewal may call them.
    const writes = yield* Ref.make(0)
    const writeLock = yield* Effect.makeSemaphore(1)

    const tokenEndpoint = TokenEndpoint.make(config, http)
    const requestToken = tokenEndpoint.request
    const toToken = tokenEndpoint.toToken
    const issuer: TokenIssuer = { baseUrl: config.baseUrl, clientId: config.clientId }

    // Every token stored through this service records its issuer, so that
    // a later run with another base URL or client id does not send it.
    const withIssuer = (token: Token) => token.issuer === undefined ? new Token({ ...token, issuer }) : token

    const storeToken = (token: Token) => {
      const stamped = withIssuer(token)
      return writeLock.withPermits(1)(Effect.zipRight(Ref.update(writes, (count) => count + 1), store.set(stamped)))
        .pipe(Effect.as(stamped))
    }

    const requireToken = Effect.flatMap(
      store.get,
      Option.match({
        onNone: () => Effect.fail(noToken()),
        onSome: (token) => {
          const mismatch = checkIssuer(token, issuer)
          return mismatch === undefined ? Effect.succeed(token) : Effect.fail(mismatch)
        }
      })
    )

    const usableToken: Effect.Effect<Option.Option<Token>, KontistError> = Effect.flatMap(store.get, (stored) => {
      if (Option.isNone(stored)) return Effect.succeed(stored)
      const mismatch = checkIssuer(stored.value, issuer)
      if (mismatch === undefined) return Effect.succeed(stored)
      return Effect.as(Effect.logDebug(`Kontist: ignoring the stored token. ${mismatch.description}`), Option.none<Token>())
    })

    const isFresh = (token: Token) =>
      Effect.map(Clock.currentTimeMillis, (now) => token.expiresAt - refreshSkewOf(token) > now)

    // The refresh grant keeps `confirmed`: refreshing a confirmed refresh
    // token gives a confirmed access token.
    const refreshWith = (stored: Token, refreshToken: Redacted.Redacted<string>) =>
      requestToken("refresh_token", {
        refresh_token: Redacted.value(refreshToken),
        ...tokenEndpoint.clientSecretParam
      }).pipe(
        Effect.flatMap((response) => toToken(response, Option.some(stored), stored.confirmed))
      )

    // A login, setToken or logout during the renewal wins over its result,
    // so that a logout cannot be undone by a late refresh.
    const storeUnlessReplaced = (renewed: Token, writesBefore: number) =>
      writeLock.withPermits(1)(Effect.gen(function*() {
        if ((yield* Ref.get(writes)) !== writesBefore) return yield* requireToken
        const stamped = withIssuer(renewed)
        yield* store.set(stamped)
        return stamped
      }))

    // Renews `stored` with its refresh token, else with `TokenRenewal`, else
    // fails with `whenImpossible`, and stores the result. The caller holds
    // the renewal lock.
    const renewAndStore = (stored: Token, writesBefore: number, whenImpossible: () => KontistError) =>
      Effect.gen(function*() {
        if (Option.isSome(stored.refreshToken)) {
          // The server may rotate the refresh token. Once it has sent a
          // response only the new one is valid, so the response must reach
          // the store.
          return yield* Effect.uninterruptible(
            Effect.flatMap(
              refreshWith(stored, stored.refreshToken.value),
              (renewed) => storeUnlessReplaced(renewed, writesBefore)
            )
          )
        }

        const renewal = Option.orElse(yield* Effect.serviceOption(TokenRenewal), () => renewalFromLayer)
        if (Option.isNone(renewal)) return yield* Effect.fail(whenImpossible())
        return yield* Effect.uninterruptibleMask((restore) =>
          Effect.flatMap(restore(renewal.value.renew), (renewed) => storeUnlessReplaced(renewed, writesBefore))
        )
      })

    // Runs under the renewal lock. Returns the caller's outcome and the next
    // state of the lock.
    const renewOrShare = (
      state: Renewals,
      request: RenewalRequest
    ): Effect.Effect<readonly [Effect.Effect<Token, KontistError>, Renewals], KontistError> =>
      Effect.gen(function*() {
        const writesBefore = yield* Ref.get(writes)

        // A round finished while this caller waited: share its outcome. A
        // failure is shared only while no login, setToken or logout has
        // happened since, because such a write may have fixed it.
        if (request.seen !== undefined && state.rounds !== request.seen && Option.isSome(state.last)) {
          const last = state.last.value
          if (Exit.isSuccess(last.exit)) return [requireToken, state] as const
          if (last.writes === writesBefore) return [last.exit, state] as const
        }

        const stored = yield* requireToken
        if (!(yield* request.needsRenewal(stored))) return [Effect.succeed(stored), state] as const

        const exit = yield* Effect.exit(renewAndStore(stored, writesBefore, request.whenImpossible))
        // An interruption inside the renewal (not of this fiber) ends no
        // round, so the waiting fibers try for themselves.
        if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) return [exit, state] as const

        const outcome: RoundOutcome = { exit, writes: yield* Ref.get(writes) }
        return [exit, { rounds: state.rounds + 1, last: Option.some(outcome) }] as const
      })

    const renewLocked = (request: RenewalRequest): Effect.Effect<Token, KontistError> =>
      SynchronizedRef.modifyEffect(renewals, (state) => renewOrShare(state, request)).pipe(Effect.flatten)

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

      if (options?.remember !== false) yield* Ref.set(pending, Option.some({ state, verifier, redirectUri }))
      return { url: `${config.baseUrl}/api/oauth/authorize?${params.toString()}`, state, verifier }
    })

    const exchangeCode = Effect.fn("Kontist.Auth.exchangeCode")(function*(
      callbackUrl: string,
      request?: KeptAuthorizationRequest
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

      const redirectUri = request?.redirectUri ?? Option.match(matchingPending, {
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
      // The code is single use, so once it is sent the token must reach the
      // store even if the caller is interrupted meanwhile.
      return yield* Effect.uninterruptible(
        requestToken("authorization_code", {
          code,
          redirect_uri: redirectUri,
          ...tokenEndpoint.clientSecretParam,
          ...verifierParam
        }).pipe(
          // NOTE: the code grant stores an unconfirmed token, even when the
          // code came from a silent renewal of an MFA-confirmed session. It is
          // not known whether Kontist's authorize endpoint then issues
          // confirmed tokens. If it does, such a renewal makes the user pass
          // MFA again for no reason.
          Effect.flatMap((response) => toToken(response, Option.none(), false)),
          Effect.flatMap(storeToken)
        )
      )
    })

    const loginWithPassword = Effect.fn("Kontist.Auth.loginWithPassword")(function*(
      credentials: Parameters<Service["loginWithPassword"]>[0]
    ) {
      const password = typeof credentials.password === "string"
        ? credentials.password
        : Redacted.value(credentials.password)
      // Uninterruptible like the code exchange: a token the server issued is stored.
      return yield* Effect.uninterruptible(
        requestToken("password", {
          username: credentials.username,
          password,
          scope: config.scopes.join(" "),
          ...tokenEndpoint.clientSecretParam
        }).pipe(
          Effect.flatMap((response) => toToken(response, Option.none(), false)),
          Effect.flatMap(storeToken)
        )
      )
    })

    const refresh = renewLocked({
      seen: undefined,
      needsRenewal: () => Effect.succeed(true),
      whenImpossible: () =>
        new OAuthError({
          error: "no_refresh_token",
          description: "the stored token has no refresh token; request the offline scope at login, or log in again"
        })
    }).pipe(Effect.withSpan("Kontist.Auth.refresh"))

    const accessToken = Effect.gen(function*() {
      const seen = (yield* SynchronizedRef.get(renewals)).rounds
      const stored = yield* requireToken
      if (yield* isFresh(stored)) return stored.accessToken

      // Only the first fiber through the lock renews. The others find that a
      // round finished since they read `seen`, or a fresh token, and reuse it.
      const renewed = yield* renewLocked({
        seen,
        needsRenewal: (latest) => Effect.map(isFresh(latest), (fresh) => !fresh),
        whenImpossible: () =>
          new Unauthorized({
            reason: "Expired",
            description: "The access token expired and there is no refresh token to renew it; log in again"
          })
      })
      return renewed.accessToken
    }).pipe(Effect.withSpan("Kontist.Auth.accessToken"))

    const renewAfterRejection = Effect.fn("Kontist.Auth.renewAfterRejection")(function*(
      rejected: Redacted.Redacted<string>
    ) {
      const seen = (yield* SynchronizedRef.get(renewals)).rounds
      // Renew only if the rejected token is still the stored one; otherwise
      // another fiber has already replaced it.
      const renewed = yield* renewLocked({
        seen,
        needsRenewal: (latest) => Effect.succeed(Redacted.value(latest.accessToken) === Redacted.value(rejected)),
        whenImpossible: () =>
          new Unauthorized({
            reason: "Rejected",
            description:
              "The API rejected the access token (HTTP 401) and there is no refresh token to renew it; log in again"
          })
      })
      return renewed.accessToken
    })

    const setToken = Effect.fn("Kontist.Auth.setToken")(function*(token: Token) {
      if (token.issuer !== undefined && !sameIssuer(token.issuer, issuer)) {
        return yield* new InvalidInput({
          field: "token.issuer",
          reason: `the token was issued by ${describeIssuer(token.issuer)}, but the SDK is configured for ${
            describeIssuer(issuer)
          }. Log in with this configuration, or configure the API and client that issued the token`
        })
      }
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
      token: usableToken,
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
