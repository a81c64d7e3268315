/**
 * @since 0.1.0
 */
export * as BrowserKontist from "./BrowserKontist.js"
/**
 * @since 0.1.0
 */
export * as RedirectLogin from "./RedirectLogin.js"
/**
 * @since 0.1.0
 */
export * as SilentRenewal from "./SilentRenewal.js"
