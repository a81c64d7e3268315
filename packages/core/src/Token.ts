/**
 * An OAuth2 token as the SDK stores it.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The API and the OAuth2 client a token was issued for. `Auth` sends a
 * stored token only when both match `KontistConfig`.
 *
 * @since 0.1.0
 * @category models
 */
export const TokenIssuer = Schema.Struct({
  /** `KontistConfig.baseUrl` of the API that issued the token, such as `https://api.kontist.com`. */
  baseUrl: Schema.String,
  /** The OAuth2 client id the token was issued to. */
  clientId: Schema.String
})

/**
 * The API and the OAuth2 client a token was issued for.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenIssuer extends Schema.Schema.Type<typeof TokenIssuer> {}

/**
 * The access token, the refresh token when the grant issued one, the moments
 * the access token was issued and expires, the granted scopes, whether the
 * token passed MFA, and its issuer. Secrets are `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export class Token extends Schema.Class<Token>("@kontist/core/Token")({
  accessToken: Schema.Redacted(Schema.String),
  refreshToken: Schema.optionalWith(Schema.Redacted(Schema.String), { as: "Option", exact: true }),
  /** Expiry of the access token in epoch milliseconds. */
  expiresAt: Schema.Number,
  /**
   * The moment the SDK received the access token, in epoch milliseconds.
   * `Auth` uses it to renew short-lived tokens at half their lifetime. Tokens
   * stored before this field existed lack it.
   */
  issuedAt: Schema.optional(Schema.Number),
  scope: Schema.Array(Schema.String),
  /** True once the token passed MFA (push challenge or device binding). */
  confirmed: Schema.Boolean,
  /**
   * The API and client that issued the token. `Auth` fills it in when it
   * stores a token, and treats a stored token whose issuer differs from
   * `KontistConfig`, or is missing, as absent. Tokens stored before this
   * field existed lack it.
   */
  issuer: Schema.optional(TokenIssuer)
}) {}
