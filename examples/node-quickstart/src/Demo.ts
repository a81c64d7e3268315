/**
 * The demo program: log in, pass MFA, show the account, total every
 * transaction per month, send a transfer and watch it arrive through the
 * subscription.
 */
import * as Accounts from "@kontist/core/Accounts"
import * as Auth from "@kontist/core/Auth"
import * as Iban from "@kontist/core/Iban"
import * as Kontist from "@kontist/core/Kontist"
import * as KontistConfig from "@kontist/core/KontistConfig"
import type { KontistError } from "@kontist/core/KontistError"
import * as Mfa from "@kontist/core/Mfa"
import * as Subscriptions from "@kontist/core/Subscriptions"
import type { Transaction } from "@kontist/core/Transactions"
import * as Transactions from "@kontist/core/Transactions"
import * as Transfers from "@kontist/core/Transfers"
import * as LoopbackLogin from "@kontist/node/LoopbackLogin"
import * as NodeKontist from "@kontist/node/NodeKontist"
import { Console, Data, Deferred, Duration, Effect, Layer, Option, Redacted, Ref, Stream } from "effect"
import * as Readline from "node:readline/promises"
import * as Report from "./Report.js"
import * as SandboxBrowser from "./SandboxBrowser.js"

/** Redirect URI for the sandbox login. The custom scheme makes the sandbox issue a refresh token with PKCE. */
const sandboxRedirectUri = "kontist-sandbox://oauth/callback"

/** Every service the demo uses, against a sandbox at `baseUrl`, with the token in memory. */
export const layerSandbox = (options: { readonly baseUrl: string; readonly clientId: string }) =>
  Kontist.layer.pipe(
    Layer.provideMerge(NodeKontist.layerMemory),
    Layer.provideMerge(KontistConfig.layer({ ...options, redirectUri: sandboxRedirectUri }))
  )

/**
 * Every service the demo uses, against the API the `KONTIST_*` variables
 * name, with the token in the default file.
 */
export const layerApi = Kontist.layer.pipe(
  Layer.provideMerge(NodeKontist.layer()),
  Layer.provideMerge(KontistConfig.layerConfig)
)

/** The amount the demo transfers: 12.34 EUR. */
export const transferCents = 1234

/** How long to wait for the booked transfer to arrive through the subscription. */
const bookingTimeout = Duration.seconds(15)

export type Target =
  | {
    readonly _tag: "Sandbox"
    readonly baseUrl: string
    readonly username: string
    readonly password: Redacted.Redacted<string>
  }
  | {
    readonly _tag: "Api"
    /** Open the authorization URL in the system browser as well as printing it. */
    readonly openBrowser: boolean
  }

export interface Recipient {
  readonly name: string
  readonly iban: string
}

export interface Options {
  readonly target: Target
  /** Send status lines to stderr, leaving stdout to the JSON summary. */
  readonly json: boolean
  /** Recipient of the 12.34 EUR transfer, or none to skip the transfer. */
  readonly transfer: Option.Option<Recipient>
}

/** The summary that `pnpm demo --json` prints. Amounts are in cents. */
export interface Summary {
  readonly iban: string
  readonly balance: number
  readonly transactions: number
  readonly sumCents: number
  readonly transfer: { readonly id: string; readonly status: string | null } | null
  readonly subscriptionEvents: number
}

/** The booked transfer did not arrive through the subscription in time. */
export class BookingTimeout extends Data.TaggedError("BookingTimeout")<{ readonly message: string }> {}

const loginThroughSandboxForm = (target: Extract<Target, { _tag: "Sandbox" }>, say: (line: string) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    const auth = yield* Auth.Auth
    const request = yield* auth.authorizationUrl({ pkce: true })

    yield* say(`Logging in as ${target.username} through the sandbox login form (authorization code with PKCE)`)
    const callbackUrl = yield* SandboxBrowser.submitLoginForm(request.url, {
      username: target.username,
      password: target.password
    })
    return yield* auth.exchangeCode(callbackUrl)
  })

/**
 * The stored token, when it passed MFA and is still valid or can be
 * refreshed. `Auth.token` returns none for a token that another API or
 * client issued, such as one stored before `KONTIST_BASE_URL` changed.
 */
const storedConfirmedToken = Effect.gen(function*() {
  const auth = yield* Auth.Auth
  const stored = yield* auth.token
  const now = Date.now()
  return Option.filter(
    stored,
    (token) => token.confirmed && (token.expiresAt > now || Option.isSome(token.refreshToken))
  )
})

const login = (target: Target, say: (line: string) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    if (target._tag === "Api") {
      if (Option.isSome(yield* storedConfirmedToken)) {
        yield* say("Using the stored login.")
        return
      }
      yield* LoopbackLogin.loginWithBrowser({
        openBrowser: target.openBrowser,
        onUrl: (url) => say(`Open this URL in a browser to log in to Kontist:\n${url}`)
      })
    } else {
      yield* loginThroughSandboxForm(target, say)
    }

    const mfa = yield* Mfa.Mfa
    yield* say(
      target._tag === "Sandbox"
        ? "Approve the login on your phone… (the sandbox's simulated phone approves it after a short delay)"
        : "Approve the login on your phone…"
    )
    // The sandbox's simulated phone approves within seconds, so polling faster keeps the demo short.
    yield* mfa.confirmedToken(target._tag === "Sandbox" ? { pollInterval: Duration.millis(250) } : {})
    yield* say("Login confirmed.")
  })

const promptSmsCode = (confirmationId: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => Readline.createInterface({ input: process.stdin, output: process.stderr })),
    (readline) =>
      Effect.promise((signal) => readline.question(`SMS code for transfer confirmation ${confirmationId}: `, { signal })),
    (readline) => Effect.sync(() => readline.close())
  ).pipe(Effect.map((code) => Redacted.make(code.trim())))

// The progress line is redrawn in place, which only a terminal shows properly.
const progress = (count: number) =>
  process.stderr.isTTY === true
    ? Effect.sync(() => process.stderr.write(`\rFetched ${count} transactions`))
    : Effect.void

const clearProgress = Effect.sync(() => {
  if (process.stderr.isTTY === true) process.stderr.write("\r\x1b[K")
})

/**
 * Opens the subscription in the background and returns the number of events
 * so far and an effect that waits for the transaction matching `isBooked`.
 */
const watchNewTransactions = (isBooked: (transaction: Transaction) => boolean) =>
  Effect.gen(function*() {
    const subscriptions = yield* Subscriptions.Subscriptions
    const events = yield* Ref.make(0)
    const booked = yield* Deferred.make<Transaction, KontistError>()

    yield* subscriptions.newTransactions.pipe(
      Stream.runForEach((transaction) =>
        Ref.update(events, (count) => count + 1).pipe(
          Effect.zipRight(isBooked(transaction) ? Deferred.succeed(booked, transaction) : Effect.void)
        )
      ),
      Effect.catchAll((error) => Deferred.fail(booked, error)),
      Effect.forkScoped
    )

    return {
      events: Ref.get(events),
      booked: Deferred.await(booked).pipe(
        Effect.timeoutFail({
          duration: bookingTimeout,
          onTimeout: () =>
            new BookingTimeout({
              message: `The booked transfer did not arrive through the subscription within ${
                Duration.format(bookingTimeout)
              }`
            })
        })
      )
    }
  })

/**
 * Runs the demo against `options.target` and returns the summary. Status
 * lines go to stdout, or to stderr with `json`.
 */
export const run = (options: Options) =>
  Effect.gen(function*() {
    const say = (line: string) => options.json ? Console.error(line) : Console.log(line)
    const startedAt = Date.now()

    yield* login(options.target, say)

    // A unique purpose distinguishes the demo's booking from other new transactions.
    const purpose = `Kontist SDK demo ${startedAt.toString(36)}`
    // NOTE: graphql-ws has no acknowledgement per subscription, so the server may
    // register it a moment after the socket opens. A transfer booked before then
    // would be missed, so the subscription opens before the account and the
    // transaction stream, which take longer than that.
    const watch = Option.isSome(options.transfer)
      ? Option.some(
        yield* watchNewTransactions((transaction) => transaction.amount === -transferCents && transaction.purpose === purpose)
      )
      : Option.none()

    const account = yield* Effect.flatMap(Accounts.Accounts, (accounts) => accounts.main)
    yield* say("")
    yield* say(`Account  ${Iban.format(account.iban)}  BIC ${account.bic}`)
    yield* say(
      `Balance  ${Report.formatCents(account.balance)} (available ${Report.formatCents(account.availableBalance)})`
    )

    yield* say("")
    yield* say("Streaming all transactions…")
    const transactions = yield* Transactions.Transactions
    const totals = yield* Report.collectTotals(transactions.stream(), progress).pipe(
      Effect.ensuring(clearProgress)
    )
    yield* say(Report.formatTotals(totals))

    let transfer: Summary["transfer"] = null
    if (Option.isSome(options.transfer) && Option.isSome(watch)) {
      const recipient = options.transfer.value
      const target = options.target
      yield* say("")
      yield* say(
        `Sending ${Report.formatCents(transferCents)} to ${recipient.name} (${Iban.format(recipient.iban)})…`
      )
      const transfers = yield* Transfers.Transfers
      const sent = yield* transfers.send(
        { recipient: recipient.name, iban: recipient.iban, amount: transferCents, purpose },
        {
          authorize: (confirmation) =>
            target._tag === "Sandbox"
              ? SandboxBrowser.smsCode(target.baseUrl, confirmation.confirmationId).pipe(
                Effect.tap(() => say("Read the SMS code from the sandbox outbox."))
              )
              : promptSmsCode(confirmation.confirmationId)
        }
      )
      transfer = { id: sent.id, status: sent.status ?? null }
      yield* say(`Transfer ${sent.id} is ${sent.status ?? "without status"}. Waiting for the booking…`)

      const booked = yield* watch.value.booked
      yield* say(`Booked through the subscription: ${Report.formatTransaction(booked)}`)
    }

    const subscriptionEvents = Option.isSome(watch) ? yield* watch.value.events : 0
    yield* say("")
    yield* say(`Done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`)

    return {
      iban: account.iban,
      balance: account.balance,
      transactions: totals.count,
      sumCents: totals.sumCents,
      transfer,
      subscriptionEvents
    } satisfies Summary
  }).pipe(Effect.scoped)
