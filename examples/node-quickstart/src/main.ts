/**
 * `pnpm demo [--json] [--transfer --iban IBAN --recipient NAME] [--open]`
 *
 * Without `KONTIST_BASE_URL` the demo starts the sandbox in this process and
 * runs against it. With `KONTIST_BASE_URL`, `KONTIST_CLIENT_ID` and
 * `KONTIST_CLIENT_SECRET` it runs against that API, logs in through the
 * browser, keeps the token in `~/.config/kontist`, and sends a transfer only
 * with `--transfer`.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, ConfigError, Console, Effect, Option, Redacted } from "effect"
import { parseArgs } from "node:util"
import * as Demo from "./Demo.js"

const usage = `Usage: pnpm demo [--json] [--transfer --iban IBAN --recipient NAME] [--open]

  --json        print one JSON summary on stdout; status lines go to stderr
  --transfer    send 12.34 EUR (always done against the sandbox)
  --iban        IBAN of the recipient (required with --transfer against the real API)
  --recipient   name of the recipient (required with --transfer against the real API)
  --open        open the login page in the system browser (real API only)

Without KONTIST_BASE_URL the demo runs against a sandbox it starts itself.
Against the real API it reads KONTIST_BASE_URL, KONTIST_CLIENT_ID,
KONTIST_CLIENT_SECRET and, if set, KONTIST_REDIRECT_URI.`

/** The recipient of the sandbox transfer. The IBAN is a widely used German example IBAN with a valid checksum. */
const sandboxRecipient: Demo.Recipient = { name: "Jonas Becker", iban: "DE89370400440532013000" }

const parseCommandLine = () => {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== "--"),
      options: {
        json: { type: "boolean", default: false },
        transfer: { type: "boolean", default: false },
        iban: { type: "string" },
        recipient: { type: "string" },
        open: { type: "boolean", default: false },
        help: { type: "boolean", default: false }
      },
      strict: true
    })
    return values
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`)
    process.exit(2)
  }
}

const runAgainstSandbox = (json: boolean) =>
  Effect.gen(function*() {
    // Imported here so that runs against the real API do not load the sandbox.
    const { demo, start } = yield* Effect.promise(() => import("@kontist/sandbox"))
    const sandbox = yield* Effect.acquireRelease(
      Effect.promise(() => start()),
      (running) => Effect.promise(() => running.close())
    )
    const say = json ? Console.error : Console.log
    yield* say(`Started the Kontist sandbox at ${sandbox.url}`)

    return yield* Demo.run({
      target: { _tag: "Sandbox", baseUrl: sandbox.url, username: demo.username, password: Redacted.make(demo.password) },
      json,
      transfer: Option.some(sandboxRecipient)
    }).pipe(Effect.provide(Demo.layerSandbox({ baseUrl: sandbox.url, clientId: demo.clientId })))
  })

const runAgainstApi = (options: ReturnType<typeof parseCommandLine>) =>
  Effect.gen(function*() {
    let transfer = Option.none<Demo.Recipient>()
    if (options.transfer) {
      if (options.iban === undefined || options.recipient === undefined) {
        return yield* Effect.fail(new Error("--transfer against the real API needs --iban and --recipient"))
      }
      transfer = Option.some({ name: options.recipient, iban: options.iban })
    }

    return yield* Demo.run({
      target: { _tag: "Api", openBrowser: options.open },
      json: options.json,
      transfer
    }).pipe(
      Effect.provide(Demo.layerApi),
      Effect.catchIf(ConfigError.isConfigError, (error) =>
        Effect.fail(
          new Error(
            `${error}. KONTIST_BASE_URL is set, so the demo runs against that API and needs KONTIST_CLIENT_ID ` +
              "(and KONTIST_CLIENT_SECRET for a confidential client). Unset KONTIST_BASE_URL to use the sandbox."
          )
        ))
    )
  })

const describeFailure = (cause: Cause.Cause<unknown>) =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => Cause.pretty(cause),
    onSome: (error) => error instanceof Error ? error.message : String(error)
  })

const options = parseCommandLine()
if (options.help) {
  console.log(usage)
  process.exit(0)
}

const program = Effect.gen(function*() {
  const summary = process.env["KONTIST_BASE_URL"] === undefined
    ? yield* runAgainstSandbox(options.json)
    : yield* runAgainstApi(options)

  if (options.json) {
    yield* Console.log(JSON.stringify(summary))
  }
}).pipe(
  Effect.scoped,
  Effect.tapErrorCause((cause) =>
    Cause.isInterruptedOnly(cause) ? Effect.void : Console.error(`The demo failed: ${describeFailure(cause)}`)
  )
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
