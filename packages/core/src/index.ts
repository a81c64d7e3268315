/**
 * @since 0.1.0
 */
export * as Accounts from "./Accounts.js"
/**
 * @since 0.1.0
 */
export * as Auth from "./Auth.js"
/**
 * @since 0.1.0
 */
export * as GraphQL from "./GraphQL.js"
/**
 * @since 0.1.0
 */
export * as Iban from "./Iban.js"
/**
 * @since 0.1.0
 */
export * as Kontist from "./Kontist.js"
/**
 * @since 0.1.0
 */
export * as KontistConfig from "./KontistConfig.js"
/**
 * @since 0.1.0
 */
export * as KontistError from "./KontistError.js"
/**
 * @since 0.1.0
 */
export * as Mfa from "./Mfa.js"
/**
 * @since 0.1.0
 */
export * as Money from "./Money.js"
/**
 * @since 0.1.0
 */
export * as Pkce from "./Pkce.js"
/**
 * @since 0.1.0
 */
export * as Subscriptions from "./Subscriptions.js"
/**
 * @since 0.1.0
 */
export * as Token from "./Token.js"
/**
 * @since 0.1.0
 */
export * as TokenStore from "./TokenStore.js"
/**
 * @since 0.1.0
 */
export * as Transactions from "./Transactions.js"
/**
 * @since 0.1.0
 */
export * as Transfers from "./Transfers.js"
