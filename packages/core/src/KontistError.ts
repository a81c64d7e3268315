/**
 * The errors the SDK fails with. Every failure a caller can act on is one of
 * these tagged classes; bugs stay defects.
 *
 * No error message or field ever contains a token, client secret, password,
 * SMS code or private key.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * An argument failed validation before any request was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>("@kontist/core/InvalidInput")("InvalidInput", {
  /** The path of the offending field, for example `transfer.iban`. */
  field: Schema.String,
  /** The problem with the value and how to fix it. */
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid ${this.field}: ${this.reason}`
  }
}

/**
 * There is no usable access token: none is stored, the stored one belongs
 * to another API or client (reason `NoToken`), the server rejected it
 * (HTTP 401), or it expired and cannot be renewed.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("@kontist/core/Unauthorized")("Unauthorized", {
  reason: Schema.Literal("NoToken", "Rejected", "Expired"),
  description: Schema.String
}) {
  override get message(): string {
    return this.description
  }
}

/**
 * The OAuth2 server rejected a request, with an RFC 6749 error code such as
 * `invalid_grant`, or the authorization callback was unusable (state
 * mismatch, missing code, `error` parameter).
 *
 * @since 0.1.0
 * @category errors
 */
export class OAuthError extends Schema.TaggedError<OAuthError>("@kontist/core/OAuthError")("OAuthError", {
  /**
   * The RFC 6749 error code (`login_required` when silent renewal finds no session), `state_mismatch`,
   * `missing_code` or `no_pending_authorization` for callback problems, `no_refresh_token` when `refresh`
   * has nothing to refresh with, or `timeout` when silent renewal received no answer in time.
   */
  error: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return `OAuth2 ${this.error}: ${this.description}`
  }
}

/**
 * One entry of a GraphQL response's `errors` array.
 *
 * @since 0.1.0
 * @category errors
 */
export const GraphQLErrorEntry = Schema.Struct({
  /** The entry's `message`. */
  description: Schema.String,
  /** The response field the entry belongs to, such as `["createTransfer"]`; empty for a request error. */
  path: Schema.Array(Schema.Union(Schema.String, Schema.Number)),
  /**
   * `extensions.status` as sent by the API, usually an HTTP status code. An
   * entry without it takes the HTTP status of a response that is not 2xx.
   */
  status: Schema.optional(Schema.Number),
  /** `extensions.type` as sent by the API, else `extensions.code`, which many GraphQL servers send instead. */
  type: Schema.optional(Schema.String)
})

/**
 * One entry of a GraphQL response's `errors` array.
 *
 * @since 0.1.0
 * @category errors
 */
export interface GraphQLErrorEntry extends Schema.Schema.Type<typeof GraphQLErrorEntry> {}

/**
 * A GraphQL response with an `errors` array. The first entry is this error
 * itself (`description`, `path`, `status`, `type`). The entries after it are
 * in `otherErrors`, in the order the server sent them. The message names
 * only the first entry, and leaves out its path when that is just the
 * operation's field.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphQLError extends Schema.TaggedError<GraphQLError>("@kontist/core/GraphQLError")("GraphQLError", {
  ...GraphQLErrorEntry.fields,
  /** The operation that failed, such as `createTransfer`. */
  operation: Schema.String,
  /** The entries after the first, in the order the server sent them; empty when there was one. */
  otherErrors: Schema.optionalWith(Schema.Array(GraphQLErrorEntry), { default: () => [] })
}) {
  override get message(): string {
    // A path that is just the operation's own field would repeat the operation.
    const pathIsOperation = this.path.length === 1 && this.path[0] === this.operation
    const where = this.path.length > 0 && !pathIsOperation ? ` at ${this.path.join(".")}` : ""
    return `GraphQL ${this.operation} failed${where}: ${this.description}`
  }
}

/**
 * The HTTP exchange failed below the GraphQL or OAuth2 layer: the connection
 * failed, the server returned an unexpected status, or the body was not the
 * JSON the API documents (an HTML error page, an empty body).
 *
 * @since 0.1.0
 * @category errors
 */
export class ResponseError extends Schema.TaggedError<ResponseError>("@kontist/core/ResponseError")("ResponseError", {
  reason: Schema.Literal("Transport", "StatusCode", "UnexpectedBody", "Decode"),
  /** `METHOD URL` of the request. */
  request: Schema.String,
  status: Schema.optional(Schema.Number),
  description: Schema.String
}) {
  override get message(): string {
    const status = this.status === undefined ? "" : ` (HTTP ${this.status})`
    return `${this.request} failed${status}: ${this.description}`
  }
}

/**
 * The MFA push challenge was denied on the user's phone.
 *
 * @since 0.1.0
 * @category errors
 */
export class ChallengeDenied extends Schema.TaggedError<ChallengeDenied>("@kontist/core/ChallengeDenied")("ChallengeDenied", {
  challengeId: Schema.String
}) {
  override get message(): string {
    return `MFA challenge ${this.challengeId} was denied on the phone. To try again, request a new confirmation ` +
      "with Mfa.confirmedToken, which works with the same login, or log in again"
  }
}

/**
 * The MFA push challenge expired before the user approved or denied it.
 *
 * @since 0.1.0
 * @category errors
 */
export class ChallengeExpired extends Schema.TaggedError<ChallengeExpired>("@kontist/core/ChallengeExpired")("ChallengeExpired", {
  challengeId: Schema.String,
  expiresAt: Schema.String
}) {
  override get message(): string {
    return `MFA challenge ${this.challengeId} expired at ${this.expiresAt} without an answer; request a new confirmation`
  }
}

/**
 * The wait for MFA confirmation was cancelled with `Mfa.cancel`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MFAConfirmationCanceled extends Schema.TaggedError<MFAConfirmationCanceled>(
  "@kontist/core/MFAConfirmationCanceled"
)("MFAConfirmationCanceled", {}) {
  override get message(): string {
    return "MFA confirmation was cancelled"
  }
}

/**
 * Reading or writing the stored token failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenStoreError extends Schema.TaggedError<TokenStoreError>("@kontist/core/TokenStoreError")("TokenStoreError", {
  operation: Schema.Literal("get", "set", "clear"),
  description: Schema.String
}) {
  override get message(): string {
    return `Token storage ${this.operation} failed: ${this.description}`
  }
}

/**
 * A GraphQL subscription could not be opened or ended abnormally (the server
 * closed the socket, rejected the connection or sent an error).
 *
 * @since 0.1.0
 * @category errors
 */
export class SubscriptionError extends Schema.TaggedError<SubscriptionError>("@kontist/core/SubscriptionError")("SubscriptionError", {
  reason: Schema.Literal("ConnectionFailed", "Closed", "Rejected"),
  code: Schema.optional(Schema.Number),
  description: Schema.String
}) {
  override get message(): string {
    const code = this.code === undefined ? "" : ` (close code ${this.code})`
    return `Subscription ${this.reason}${code}: ${this.description}`
  }
}

/**
 * The API returned no such resource for this user, such as a missing main
 * account.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>("@kontist/core/NotFound")("NotFound", {
  /** The path of what is missing, such as `viewer.mainAccount`. */
  resource: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return this.description
  }
}

/**
 * Every error the SDK fails with.
 *
 * @since 0.1.0
 * @category errors
 */
export type KontistError =
  | InvalidInput
  | Unauthorized
  | OAuthError
  | GraphQLError
  | ResponseError
  | ChallengeDenied
  | ChallengeExpired
  | MFAConfirmationCanceled
  | TokenStoreError
  | SubscriptionError
  | NotFound
