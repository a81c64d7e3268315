/**
 * Starting and stopping the sandbox: `start` for Promise code and
 * `Sandbox.layer` for Effect code.
 *
 * @since 0.1.0
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Context, Effect, Layer } from "effect"
import { useServer } from "graphql-ws/use/ws"
import { WebSocketServer } from "ws"
import type { AdminTarget } from "./Admin.js"
import * as Bank from "./Bank.js"
import type { Faults } from "./Faults.js"
import { FaultInjector } from "./Faults.js"
import * as GraphQLApi from "./GraphQLApi.js"
import type { MfaAnswer, Settings } from "./internal/settings.js"
import { updateSettings } from "./internal/settings.js"
import { MfaServer } from "./Mfa.js"
import { demo as demoCredentials, OAuthServer } from "./OAuth.js"
import type { RecordedRequest } from "./RequestLog.js"
import { RequestLog } from "./RequestLog.js"
import { makeRequestListener, makeSubscriptionOptions, makeUpgradeListener } from "./Server.js"
import { TokenRegistry } from "./Tokens.js"

export type { SmsMessage } from "./Bank.js"
export type { Faults } from "./Faults.js"
export type { RecordedRequest } from "./RequestLog.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface SandboxOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  readonly port?: number | undefined
  /** Address to listen on. Default `127.0.0.1`. */
  readonly host?: string | undefined
  /** Seed of the data set; the same seed gives the same amounts and names. Default 42. */
  readonly seed?: number | undefined
  /** Number of booked transactions, spread over the two years before `now`. Default 5,000. */
  readonly transactions?: number | undefined
  /** End of the data set's period; only dates depend on it. Default: the current time. */
  readonly now?: Date | undefined
  /** Lifetime of access tokens in seconds (`expires_in`). Default 3,600. */
  readonly accessTokenTtlSeconds?: number | undefined
  /** The simulated phone: whether it approves, denies or ignores push challenges (default approve), its delay (default 1,500 ms), and the challenge lifetime (default 300 s). */
  readonly mfa?: {
    readonly answer?: MfaAnswer | undefined
    readonly delayMs?: number | undefined
    readonly challengeTtlSeconds?: number | undefined
  } | undefined
  /** Origins that get CORS headers, such as `http://127.0.0.1:5173`; `*` allows all. Default none. */
  readonly corsOrigins?: ReadonlyArray<string> | undefined
}

/**
 * A sandbox listening on a loopback port.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningSandbox {
  /** Base URL without a trailing slash, such as `http://127.0.0.1:4010`. */
  readonly url: string
  readonly port: number
  /** Stops listening, closes every connection and WebSocket, and stops the simulated phone. */
  close(): Promise<void>
  /** Changes settings; a new token lifetime applies to tokens issued afterwards. Throws `TypeError` on invalid values. */
  configure(options: Partial<Pick<SandboxOptions, "accessTokenTtlSeconds" | "mfa" | "corsOrigins">>): void
  /** Every API request (HTTP requests, WebSocket upgrades and graphql-ws subscribe messages), oldest first. Admin and `OPTIONS` requests are left out. */
  requests(): ReadonlyArray<RecordedRequest>
  clearRequests(): void
  /** The SMS outbox, oldest first. */
  sms(): ReadonlyArray<Bank.SmsMessage>
  /** Count and sum of the booked transactions, and the balance, in cents. */
  dataset(): { count: number; sumCents: number; balanceCents: number }
  /** Approves or denies a pending MFA challenge as the phone would. Throws when the challenge is unknown, no longer pending or expired. */
  answerChallenge(id: string, status: "VERIFIED" | "DENIED"): void
  /** Books an incoming transaction (amount in cents) and publishes it to `newTransaction` subscribers. */
  injectTransaction(input: { amount: number; name: string; iban: string; purpose: string }): void
  /** Replaces the injected faults. Throws `TypeError` on invalid values. */
  setFaults(faults: Faults): void
}

/**
 * The demo OAuth2 client and user. The client accepts its secret or PKCE and
 * may use the password grant.
 *
 * @since 0.1.0
 * @category constants
 */
export const demo: {
  readonly clientId: "kontist-sandbox"
  readonly clientSecret: "sandbox-secret"
  readonly username: "lena.schulz@example.com"
  readonly password: "sandbox-password"
} = demoCredentials

const defaultSettings = (): Settings => ({
  accessTokenTtlSeconds: 3600,
  mfa: { answer: "approve", delayMs: 1500, challengeTtlSeconds: 300 },
  corsOrigins: []
})

/** `http://127.0.0.1:4010`, or `http://[::1]:4010` for an IPv6 address. */
const baseUrl = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`

/**
 * Starts a sandbox and resolves once it listens.
 *
 * @example
 * ```ts
 * import { start, demo } from "@kontist/sandbox"
 *
 * const sandbox = await start({ port: 0, transactions: 100 })
 * console.log(sandbox.url, demo.username)
 * await sandbox.close()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: SandboxOptions = {}): Promise<RunningSandbox> => {
  const settings = defaultSettings()
  updateSettings(settings, {
    ...(options.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),
    ...(options.mfa === undefined ? {} : { mfa: options.mfa }),
    ...(options.corsOrigins === undefined ? {} : { corsOrigins: options.corsOrigins })
  })
  const host = options.host ?? "127.0.0.1"

  const bank = Bank.make({ seed: options.seed, transactions: options.transactions, now: options.now })
  const api = GraphQLApi.make(bank)
  const tokens = new TokenRegistry(() => settings.accessTokenTtlSeconds)
  const oauth = new OAuthServer({ tokens, userId: bank.user.publicId })
  const mfa = new MfaServer({ tokens, settings })
  const log = new RequestLog()
  const webSocketServer = new WebSocketServer({ noServer: true })
  const faults = new FaultInjector(() => {
    for (const client of webSocketServer.clients) {
      client.terminate()
    }
  })

  const admin: AdminTarget = {
    requests: () => log.all(),
    clearRequests: () => log.clear(),
    sms: () => bank.sms(),
    challenges: () => mfa.all(),
    answerChallenge: (id, status) => mfa.answer(id, status),
    injectTransaction: (input) => bank.injectTransaction(input),
    faults: () => faults.current(),
    setFaults: (value) => faults.set(value),
    settings: () => settings,
    configure: (patch) => updateSettings(settings, patch),
    dataset: () => bank.dataset()
  }
  const parts = { settings, tokens, oauth, mfa, api, log, faults, admin }

  const server = createServer(makeRequestListener(parts))
  server.on("upgrade", makeUpgradeListener(parts, webSocketServer))
  const subscriptions = useServer(makeSubscriptionOptions(parts), webSocketServer)

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject)
        resolve()
      })
    })
  } catch (error) {
    await subscriptions.dispose()
    throw error
  }
  const port = (server.address() as AddressInfo).port

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      mfa.close()
      await subscriptions.dispose()
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeAllConnections()
      })
    })()
    return closing
  }

  return {
    url: baseUrl(host, port),
    port,
    close,
    configure: (patch) => updateSettings(settings, patch),
    requests: admin.requests,
    clearRequests: admin.clearRequests,
    sms: () => bank.sms(),
    dataset: admin.dataset,
    answerChallenge: admin.answerChallenge,
    injectTransaction: (input) => {
      bank.injectTransaction(input)
    },
    setFaults: admin.setFaults
  }
}

/**
 * The running sandbox as an Effect service.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Sandbox } from "@kontist/sandbox"
 *
 * const program = Effect.gen(function* () {
 *   const sandbox = yield* Sandbox
 *   return sandbox.url
 * }).pipe(Effect.provide(Sandbox.layer({ port: 0 })))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Sandbox extends Context.Tag("@kontist/sandbox/Sandbox")<Sandbox, RunningSandbox>() {
  /**
   * Starts a sandbox when the layer is built and closes it with the layer's
   * scope. A failure to start (such as a port in use) is a defect.
   */
  static layer(options?: SandboxOptions): Layer.Layer<Sandbox> {
    return Layer.scoped(
      Sandbox,
      Effect.acquireRelease(
        Effect.promise(() => start(options)),
        (sandbox) => Effect.promise(() => sandbox.close())
      )
    )
  }
}
