/**
 * The error type of the sandbox's bank, shared by the modules that validate
 * client input (filters, pagination, transfers) and by the GraphQL and admin
 * layers that report it.
 *
 * @since 0.1.0
 */

/**
 * A failure the client caused or can act on, carried to the GraphQL error's
 * `extensions` as `{ status, type }`.
 *
 * @since 0.1.0
 * @category errors
 */
export class BankError extends Error {
  override readonly name = "BankError"
  constructor(
    message: string,
    readonly status: number,
    readonly type: string
  ) {
    super(message)
  }

  static badUserInput(message: string): BankError {
    return new BankError(message, 400, "BAD_USER_INPUT")
  }

  static invalidAuthorizationToken(message: string): BankError {
    return new BankError(message, 400, "INVALID_AUTHORIZATION_TOKEN")
  }

  static notImplemented(message: string): BankError {
    return new BankError(message, 501, "NOT_IMPLEMENTED")
  }
}
