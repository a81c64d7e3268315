/**
 * The token registry: which user an access or refresh token belongs to, its
 * scopes, whether it passed MFA, and when an access token expires.
 */
import { randomBytes } from "node:crypto"

/** The OAuth2 scopes of the Kontist API. */
export const knownScopes: ReadonlyArray<string> = [
  "accounts",
  "clients",
  "offline",
  "statements",
  "subscriptions",
  "transactions",
  "transfers",
  "users"
]

/** The user, scopes and client behind a token. */
export interface Grant {
  readonly userId: string
  readonly scopes: ReadonlySet<string>
  /** True once the token passed MFA. */
  readonly confirmed: boolean
  readonly clientId: string
  /** True when the grant used PKCE without a client secret. */
  readonly publicClient: boolean
}

export interface AccessTokenRecord extends Grant {
  /** Epoch milliseconds after which the token is rejected. */
  readonly expiresAt: number
  /** The refresh token issued with the same grant, or reused by a refresh. */
  readonly refreshToken: string | undefined
}

export type AccessTokenLookup =
  | { readonly _tag: "Valid"; readonly record: AccessTokenRecord }
  | { readonly _tag: "Expired" }
  | { readonly _tag: "Unknown" }

/** The token endpoint's success body, before serialisation. */
export interface IssuedToken {
  readonly access_token: string
  readonly token_type: "Bearer"
  readonly expires_in: number
  readonly refresh_token?: string
  readonly scope: string
}

/** A random, URL-safe token with 256 bits of entropy. */
export const randomToken = (): string => randomBytes(32).toString("base64url")

/** Formats a scope set the way the token endpoint returns it: space separated, in `knownScopes` order. */
export const formatScopes = (scopes: ReadonlySet<string>): string =>
  knownScopes.filter((scope) => scopes.has(scope)).join(" ")

export class TokenRegistry {
  readonly #accessTokens = new Map<string, AccessTokenRecord>()
  readonly #refreshTokens = new Map<string, Grant>()
  readonly #accessTokenTtlSeconds: () => number

  /** `accessTokenTtlSeconds` is read at every issue, so a reconfigured lifetime applies to new tokens only. */
  constructor(accessTokenTtlSeconds: () => number) {
    this.#accessTokenTtlSeconds = accessTokenTtlSeconds
  }

  /**
   * Issues an access token for `grant`. With `refresh: "new"` it also issues
   * a refresh token and returns it. With `refresh: { reuse }` the access token
   * is linked to an existing refresh token, which the response leaves out.
   */
  issue(grant: Grant, refresh: "none" | "new" | { readonly reuse: string }): IssuedToken {
    const ttlSeconds = this.#accessTokenTtlSeconds()
    const accessToken = randomToken()
    let refreshToken: string | undefined
    if (refresh === "new") {
      refreshToken = randomToken()
      this.#refreshTokens.set(refreshToken, { ...grant })
    } else if (refresh !== "none") {
      refreshToken = refresh.reuse
    }
    this.#accessTokens.set(accessToken, { ...grant, expiresAt: Date.now() + ttlSeconds * 1000, refreshToken })
    return {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: ttlSeconds,
      ...(refresh === "new" && refreshToken !== undefined ? { refresh_token: refreshToken } : {}),
      scope: formatScopes(grant.scopes)
    }
  }

  lookupAccessToken(token: string): AccessTokenLookup {
    const record = this.#accessTokens.get(token)
    if (record === undefined) {
      return { _tag: "Unknown" }
    }
    return Date.now() >= record.expiresAt ? { _tag: "Expired" } : { _tag: "Valid", record }
  }

  /** Looks up the grant behind a refresh token. Refresh tokens do not expire and stay valid after use. */
  lookupRefreshToken(token: string): Grant | undefined {
    return this.#refreshTokens.get(token)
  }
}
