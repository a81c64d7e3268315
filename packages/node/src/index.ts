/**
 * @since 0.1.0
 */
export * as LoopbackLogin from "./LoopbackLogin.js"
/**
 * @since 0.1.0
 */
export * as NodeKontist from "./NodeKontist.js"
/**
 * @since 0.1.0
 */
export * as NodeTokenStore from "./NodeTokenStore.js"
