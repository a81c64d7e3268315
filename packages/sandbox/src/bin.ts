#!/usr/bin/env node
/**
 * Command line entry point: starts the sandbox and prints its URL and the
 * demo credentials. Stops on SIGINT or SIGTERM.
 */
import { parseArgs } from "node:util"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Data, Effect } from "effect"
import type { RunningSandbox, SandboxOptions } from "./Sandbox.js"
import { demo, start } from "./Sandbox.js"

const usage = `Usage: kontist-sandbox [options]
       (in this repository: pnpm --filter @kontist/sandbox start -- [options])

Options:
  --port <number>          TCP port on 127.0.0.1 (default 4010; 0 picks a free port)
  --seed <number>          seed of the data set; the same seed gives the same data (default 42)
  --transactions <number>  number of booked transactions (default 5000)
  --mfa <answer>           how the simulated phone answers push challenges:
                           approve, deny or ignore (default approve)
  --cors-origin <origin>   origin that gets CORS headers, such as http://127.0.0.1:5173;
                           repeat it for several origins, or use * for every origin
  --help                   print this help`

class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

class StartError extends Data.TaggedError("StartError")<{ readonly message: string }> {}

const parseInteger = (name: string, text: string, min: number, max: number): number => {
  const value = Number(text)
  if (!/^-?\d+$/.test(text) || value < min || value > max) {
    throw new UsageError({ message: `--${name} must be an integer from ${min} to ${max}, got "${text}"` })
  }
  return value
}

const parseOptions = (argv: ReadonlyArray<string>): SandboxOptions | "help" => {
  // pnpm forwards the "--" that separates its own options from the script's.
  const args = argv[0] === "--" ? argv.slice(1) : argv
  let values
  try {
    values = parseArgs({
      args: [...args],
      options: {
        port: { type: "string" },
        seed: { type: "string" },
        transactions: { type: "string" },
        mfa: { type: "string" },
        "cors-origin": { type: "string", multiple: true },
        help: { type: "boolean" }
      },
      strict: true,
      allowPositionals: false
    }).values
  } catch (error) {
    throw new UsageError({ message: error instanceof Error ? error.message : String(error) })
  }
  if (values.help === true) {
    return "help"
  }
  const mfa = values.mfa ?? "approve"
  if (mfa !== "approve" && mfa !== "deny" && mfa !== "ignore") {
    throw new UsageError({ message: `--mfa must be approve, deny or ignore, got "${mfa}"` })
  }
  return {
    port: values.port === undefined ? 4010 : parseInteger("port", values.port, 0, 65535),
    seed: values.seed === undefined ? 42 : parseInteger("seed", values.seed, -(2 ** 31), 2 ** 32 - 1),
    transactions: values.transactions === undefined ? 5000 : parseInteger("transactions", values.transactions, 0, 1_000_000),
    mfa: { answer: mfa },
    corsOrigins: values["cors-origin"] ?? []
  }
}

const banner = (sandbox: RunningSandbox, options: SandboxOptions): string => {
  const websocketUrl = sandbox.url.replace(/^http/, "ws")
  return `Kontist sandbox listening on ${sandbox.url}

  GraphQL        ${sandbox.url}/api/graphql
  Subscriptions  ${websocketUrl}/api/graphql
  Authorize      ${sandbox.url}/api/oauth/authorize
  Token          ${sandbox.url}/api/oauth/token
  SMS outbox     ${sandbox.url}/sandbox/sms

  Client id      ${demo.clientId}
  Client secret  ${demo.clientSecret}
  Username       ${demo.username}
  Password       ${demo.password}

  Data set       ${sandbox.dataset().count} transactions, seed ${options.seed ?? 42}
  MFA            the simulated phone answers "${options.mfa?.answer ?? "approve"}"
  CORS origins   ${options.corsOrigins === undefined || options.corsOrigins.length === 0 ? "none" : options.corsOrigins.join(", ")}

Press Ctrl+C to stop.`
}

const program = Effect.gen(function* () {
  const options = yield* Effect.try({
    try: () => parseOptions(process.argv.slice(2)),
    catch: (error) => (error instanceof UsageError ? error : new UsageError({ message: String(error) }))
  })
  if (options === "help") {
    yield* Effect.sync(() => console.log(usage))
    return
  }
  const sandbox = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () => start(options),
      catch: (error) => new StartError({ message: `Failed to start the sandbox on port ${options.port}: ${error instanceof Error ? error.message : String(error)}` })
    }),
    (running) => Effect.promise(() => running.close()).pipe(Effect.zipRight(Effect.sync(() => console.log("Kontist sandbox stopped."))))
  )
  yield* Effect.sync(() => console.log(banner(sandbox, options)))
  return yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.catchTags({
    UsageError: (error) =>
      Effect.sync(() => {
        console.error(`${error.message}\n\n${usage}`)
        process.exitCode = 2
      }),
    StartError: (error) =>
      Effect.sync(() => {
        console.error(error.message)
        process.exitCode = 1
      })
  })
)

NodeRuntime.runMain(program)
