/**
 * An OAuth2 token as the SDK stores it.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The access token, the refresh token when the grant issued one, the moments
 * the access token was issued and expires, the granted scopes, and whether
 * the token passed MFA. Secrets are `Redacted`.
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
  confirmed: Schema.Boolean
}) {}
