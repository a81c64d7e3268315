/**
 * The errors the Promise client rejects with.
 *
 * Rejections are the typed error instances of `@kontist/core`, re-exported
 * here so that script-tag users can write `error instanceof Kontist.OAuthError`.
 * The client adds `MFAConfirmationCanceledError`, the classic name for a
 * cancelled MFA wait, and `ClientDisposed` and `OperationInterrupted` for
 * calls that were stopped.
 *
 * @since 0.1.0
 */
import { type KontistError, MFAConfirmationCanceled } from "@kontist/core/KontistError"
import { Schema } from "effect"

export * from "@kontist/core/KontistError"

/**
 * The rejection of `auth.getMFAConfirmedToken()` after
 * `auth.cancelMFAConfirmation()`.
 *
 * It is a subclass of the core `MFAConfirmationCanceled`, so both
 * `instanceof` checks hold and `_tag` stays `"MFAConfirmationCanceled"`.
 * Its `name` is `"MFAConfirmationCanceledError"`, the class name of the
 * classic Kontist JavaScript SDK, so code that compares `error.name` keeps
 * working.
 *
 * @since 0.1.0
 * @category errors
 */
export class MFAConfirmationCanceledError extends MFAConfirmationCanceled {
  override get name(): string {
    return "MFAConfirmationCanceledError"
  }
}

/**
 * A call was made after `client.dispose()`, or was still running when
 * `dispose()` stopped it.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClientDisposed extends Schema.TaggedError<ClientDisposed>("@kontist/client/ClientDisposed")("ClientDisposed", {
  /** The client method, such as `auth.getMFAConfirmedToken`. */
  operation: Schema.String
}) {
  override get message(): string {
    return `${this.operation} did not complete because client.dispose() was called; create a new Client to continue`
  }
}

/**
 * A call was interrupted for a reason other than `dispose()`.
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationInterrupted extends Schema.TaggedError<OperationInterrupted>(
  "@kontist/client/OperationInterrupted"
)("OperationInterrupted", {
  operation: Schema.String
}) {
  override get message(): string {
    return `${this.operation} was interrupted before it completed`
  }
}

/**
 * Every error a client promise rejects with, apart from defects (bugs), which
 * reject with the thrown value.
 *
 * @since 0.1.0
 * @category errors
 */
export type ClientError = KontistError | ClientDisposed | OperationInterrupted
