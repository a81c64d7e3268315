/**
 * The token object the classic client returns.
 *
 * @since 0.1.0
 */
import type { Token } from "@kontist/core/Token"
import { Option, Redacted } from "effect"

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

/**
 * An OAuth2 token as the classic Kontist client returns it: the secrets are
 * plain strings because the caller asked for them, for example to keep them
 * for a later `setToken`.
 *
 * `toString()`, Node's `util.inspect` (and so `console.log`) and
 * `JSON.stringify` show `<redacted>` in place of the secrets. Read
 * `accessToken` and `refreshToken` directly to get the plain values.
 *
 * @since 0.1.0
 * @category models
 */
export class KontistToken {
  /** The bearer token sent with every API request. */
  readonly accessToken: string
  /** Present when the grant issued one (the `offline` scope). */
  readonly refreshToken: string | undefined
  readonly tokenType = "bearer" as const
  /** When the access token expires. */
  readonly expires: Date
  /** The granted scopes. */
  readonly scopes: ReadonlyArray<string>
  /** True once the token passed MFA. */
  readonly confirmed: boolean

  readonly #refresh: () => Promise<KontistToken>

  constructor(token: Token, refresh: () => Promise<KontistToken>) {
    this.accessToken = Redacted.value(token.accessToken)
    this.refreshToken = Option.getOrUndefined(Option.map(token.refreshToken, Redacted.value))
    this.expires = new Date(token.expiresAt)
    this.scopes = token.scope
    this.confirmed = token.confirmed
    this.#refresh = refresh
  }

  /** Refreshes the client's stored token, as `client.auth.refresh()` does. */
  refresh(): Promise<KontistToken> {
    return this.#refresh()
  }

  /** Checks whether the access token has expired by the local clock. */
  expired(): boolean {
    return Date.now() >= this.expires.getTime()
  }

  toString(): string {
    return `KontistToken(expires ${this.expires.toISOString()}, scopes ${this.scopes.join(" ")})`
  }

  /**
   * Returns the fields with `<redacted>` in place of the access and refresh
   * tokens, so that logging `JSON.stringify(token)` leaks no secret. `expires`
   * becomes an ISO 8601 string, as for any `Date`.
   */
  toJSON(): object {
    return this.#redacted()
  }

  [inspectSymbol](): object {
    return this.#redacted()
  }

  #redacted(): object {
    return {
      accessToken: "<redacted>",
      refreshToken: this.refreshToken === undefined ? undefined : "<redacted>",
      tokenType: this.tokenType,
      expires: this.expires,
      scopes: this.scopes,
      confirmed: this.confirmed
    }
  }
}
