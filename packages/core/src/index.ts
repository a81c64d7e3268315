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
export * as KontistConfig from "./KontistConfig.js"
/**
 * @since 0.1.0
 */
export * as KontistError from "./KontistError.js"
/**
 * @since 0.1.0
 */
export * as Token from "./Token.js"
