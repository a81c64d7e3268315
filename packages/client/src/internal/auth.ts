/**
 * `client.auth`: login, tokens and MFA as promises.
 */
import { Auth } from "@kontist/core/Auth"
import { KontistConfig } from "@kontist/core/KontistConfig"
import { InvalidInput } from "@kontist/core/KontistError"
import { Mfa } from "@kontist/core/Mfa"
import { Token } from "@kontist/core/Token"
import { Effect, Encoding, Either, Option, Redacted } from "effect"
import { KontistToken } from "../Token.js"
import type { ClientServices } from "./layer.js"
import type { Runner } from "./runner.js"

/** The latest moment a JavaScript `Date` can hold, used when a token's expiry is unknown. */
const maxDateMillis = 8_640_000_000_000_000

/**
 * Reads the expiry of a JWT access token from its `exp` claim, without
 * checking the signature. Returns `undefined` for tokens that are not JWTs.
 */
const jwtExpiry = (accessToken: string): number | undefined => {
  const payload = accessToken.split(".")[1]
  if (payload === undefined) return undefined
  const decoded = Encoding.decodeBase64UrlString(payload)
  if (Either.isLeft(decoded)) return undefined
  try {
    const claims: unknown = JSON.parse(decoded.right)
    if (typeof claims === "object" && claims !== null && "exp" in claims && typeof claims.exp === "number") {
      return claims.exp * 1000
    }
  } catch {
    return undefined
  }
  return undefined
}

const requireString = (value: unknown, field: string): Effect.Effect<string, InvalidInput> =>
  typeof value === "string" && value.length > 0
    ? Effect.succeed(value)
    : Effect.fail(new InvalidInput({ field, reason: "expected a non-empty string" }))

/**
 * Login, tokens and MFA confirmation of a `Client`. Every method returns a
 * promise that rejects with the typed error itself (`OAuthError`,
 * `InvalidInput`, `ChallengeDenied`, ...).
 *
 * @since 0.1.0
 * @category facades
 */
export class AuthClient {
  readonly #runner: Runner<ClientServices, unknown>
  readonly #state: string | undefined
  readonly #verifier: Redacted.Redacted<string> | undefined
  /** True once `getAuthUri` ran on this client, so that `Auth` keeps the request to check the callback against. */
  #authorizationPending = false

  /** @internal */
  constructor(
    runner: Runner<ClientServices, unknown>,
    options: { readonly state: string | undefined; readonly verifier: Redacted.Redacted<string> | undefined }
  ) {
    this.#runner = runner
    this.#state = options.state
    this.#verifier = options.verifier
  }

  /**
   * Builds the URL to send the user to for login. With a `verifier`, the URL
   * carries its S256 challenge. A client with neither verifier nor secret
   * gets a generated verifier, which `fetchToken` on the same client sends.
   */
  getAuthUri(): Promise<string> {
    const state = this.#state
    const verifier = this.#verifier
    const effect = Effect.gen(function*() {
      const auth = yield* Auth
      return (yield* auth.authorizationUrl({ state, verifier })).url
    })
    return this.#runner.run("auth.getAuthUri", effect).then((url) => {
      this.#authorizationPending = true
      return url
    })
  }

  /**
   * Exchanges the code in `callbackUrl` (the whole URL the browser was
   * redirected to) for a token and stores it. The callback's state must
   * match.
   */
  fetchToken(callbackUrl: string): Promise<KontistToken> {
    const state = this.#state
    const verifier = this.#verifier
    // A callback page builds a new Client, which has no pending request of
    // its own: then the configured state and verifier are the request.
    const request = verifier !== undefined || (state !== undefined && !this.#authorizationPending)
      ? { state: state ?? "", verifier: Option.fromNullable(verifier) }
      : undefined
    const effect = Effect.gen(function*() {
      const url = yield* requireString(callbackUrl, "callbackUrl")
      return yield* Auth.pipe(Effect.flatMap((auth) => auth.exchangeCode(url, request)))
    })
    return this.#runner.runWrite("auth.fetchToken", effect).then((token) => this.#toClassic(token))
  }

  /**
   * Logs in with the password grant, which only clients enabled for it may
   * use.
   */
  fetchTokenFromCredentials(credentials: { readonly username: string; readonly password: string }): Promise<KontistToken> {
    const effect = Effect.gen(function*() {
      if (typeof credentials !== "object" || credentials === null) {
        return yield* new InvalidInput({ field: "credentials", reason: "pass an object { username, password }" })
      }
      const username = yield* requireString(credentials.username, "username")
      const password = Redacted.make(yield* requireString(credentials.password, "password"))
      return yield* Auth.pipe(Effect.flatMap((auth) => auth.loginWithPassword({ username, password })))
    })
    return this.#runner.runWrite("auth.fetchTokenFromCredentials", effect).then((token) => this.#toClassic(token))
  }

  /**
   * Stores a token obtained elsewhere, for example one kept from an earlier
   * session. Calls made afterwards use it, even if this promise is not
   * awaited.
   *
   * The expiry comes from the token's `exp` claim when the access token is a
   * JWT; otherwise it is unknown, and the token is renewed only once the
   * API rejects it. The scopes are the client's, and `confirmed` is false.
   */
  setToken(accessToken: string, refreshToken?: string): Promise<KontistToken> {
    const effect = Effect.gen(function*() {
      const access = yield* requireString(accessToken, "accessToken")
      const refresh = refreshToken === undefined ? undefined : yield* requireString(refreshToken, "refreshToken")
      const config = yield* KontistConfig
      const token = new Token({
        accessToken: Redacted.make(access),
        refreshToken: Option.map(Option.fromNullable(refresh), Redacted.make),
        expiresAt: jwtExpiry(access) ?? maxDateMillis,
        scope: config.scopes,
        confirmed: false
      })
      return yield* Auth.pipe(Effect.flatMap((auth) => auth.setToken(token)))
    })
    return this.#runner.runWrite("auth.setToken", effect).then((token) => this.#toClassic(token))
  }

  /**
   * Renews the stored token now: with its refresh token, or, in a browser
   * without one, silently in a hidden iframe.
   */
  refresh(): Promise<KontistToken> {
    const effect = Auth.pipe(Effect.flatMap((auth) => auth.refresh))
    return this.#runner.runWrite("auth.refresh", effect).then((token) => this.#toClassic(token))
  }

  /**
   * Starts an MFA push challenge and waits until the user approves or denies
   * it on their phone, then stores and returns the confirmed token. Rejects with
   * `ChallengeDenied`, `ChallengeExpired`, or `MFAConfirmationCanceledError`
   * after `cancelMFAConfirmation()`.
   */
  getMFAConfirmedToken(): Promise<KontistToken> {
    const effect = Mfa.pipe(Effect.flatMap((mfa) => mfa.confirmedToken()))
    return this.#runner.run("auth.getMFAConfirmedToken", effect).then((token) => this.#toClassic(token))
  }

  /**
   * Makes a pending `getMFAConfirmedToken()` reject with
   * `MFAConfirmationCanceledError`. Does nothing when none is pending.
   */
  cancelMFAConfirmation(): Promise<void> {
    return this.#runner.run("auth.cancelMFAConfirmation", Mfa.pipe(Effect.flatMap((mfa) => mfa.cancel)))
  }

  #toClassic(token: Token): KontistToken {
    return new KontistToken(token, () => this.refresh())
  }
}
