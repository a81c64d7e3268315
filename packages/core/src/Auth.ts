/**
 * OAuth2 login and the current access token.
 *
 * @since 0.1.0
 */
import { Context, type Effect, type Option, type Redacted } from "effect"
import type { KontistError } from "./KontistError.js"
import type { Token } from "./Token.js"

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
    readonly prompt?: "none" | undefined
    readonly responseMode?: "web_message" | undefined
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
