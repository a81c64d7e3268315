/**
 * A local Kontist-compatible server for tests and demos: OAuth2, MFA push
 * challenges, GraphQL with subscriptions, an SMS outbox, admin endpoints
 * under `/sandbox/` and fault injection.
 *
 * @since 0.1.0
 */
export { demo, Sandbox, start } from "./Sandbox.js"
export type { Faults, RecordedRequest, RunningSandbox, SandboxOptions, SmsMessage } from "./Sandbox.js"
