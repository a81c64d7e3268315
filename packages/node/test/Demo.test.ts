import { describe, expect, it, layer } from "@effect/vitest"
import { demo, Sandbox, start } from "@kontist/sandbox"
import { Console, Effect, Option, Redacted } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Url from "node:url"
import * as Demo from "../../../examples/node-quickstart/src/Demo.js"
import { logInThroughForm } from "./support/browser.js"

// The demo in examples/node-quickstart has no test project of its own, so
// its program and its command line are tested here.

const repositoryRoot = Url.fileURLToPath(new URL("../../..", import.meta.url))

/** Runs `effect` with a Console that keeps the status lines in `lines` instead of printing them. */
const recordingConsole = (lines: Array<string>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Console.consoleWith(Effect.succeed), (current) => {
    const record = (...args: ReadonlyArray<unknown>) =>
      Effect.sync(() => {
        lines.push(args.map(String).join(" "))
      })
    return Console.withConsole(effect, { ...current, log: record, error: record })
  })

describe("demo program", () => {
  layer(Sandbox.layer({ port: 0, transactions: 240 }), { excludeTestServices: true })((it) => {
    it.scoped("reports the data set and the booked transfer", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const before = sandbox.dataset()
        const lines: Array<string> = []

        const summary = yield* Demo.run({
          target: { _tag: "Sandbox", baseUrl: sandbox.url, username: demo.username, password: Redacted.make(demo.password) },
          json: true,
          transfer: Option.some({ name: "Jonas Becker", iban: "DE89370400440532013000" })
        }).pipe(
          Effect.provide(Demo.layerSandbox({ baseUrl: sandbox.url, clientId: demo.clientId })),
          recordingConsole(lines)
        )

        expect(summary.transactions).toBe(before.count)
        expect(summary.sumCents).toBe(before.sumCents)
        expect(summary.balance).toBe(before.balanceCents)
        expect(summary.transfer?.status).toBe("CONFIRMED")
        expect(summary.subscriptionEvents).toBe(1)
        expect(sandbox.dataset().count).toBe(before.count + 1)
        expect(sandbox.dataset().sumCents).toBe(before.sumCents - Demo.transferCents)
        expect(lines.some((line) => line.startsWith("Approve the login on your phone"))).toBe(true)
        expect(lines.join("\n")).not.toContain(demo.password)
      }))
  })
})

describe("pnpm demo --json", () => {
  it("prints only the summary on stdout", { timeout: 120_000 }, async () => {
    const environment = { ...process.env }
    delete environment["KONTIST_BASE_URL"]
    const run = ChildProcess.spawnSync("pnpm", ["--silent", "demo", "--json"], {
      cwd: repositoryRoot,
      env: environment,
      encoding: "utf8",
      timeout: 110_000
    })

    expect(run.status, run.stderr).toBe(0)
    const lines = run.stdout.split("\n").filter((line) => line.length > 0)
    expect(lines).toHaveLength(1)

    const summary = JSON.parse(lines[0] ?? "") as Demo.Summary
    expect(Object.keys(summary).sort()).toEqual(
      ["balance", "iban", "subscriptionEvents", "sumCents", "transactions", "transfer"]
    )
    expect(Object.keys(summary.transfer ?? {}).sort()).toEqual(["id", "status"])
    expect(summary.transfer?.status).toBe("CONFIRMED")
    expect(summary.subscriptionEvents).toBe(1)
    expect(summary.iban).toMatch(/^DE\d{20}$/)

    // The default data set depends only on the seed, so a second sandbox has the same one.
    const reference = await start()
    try {
      expect(summary.transactions).toBe(reference.dataset().count)
      expect(summary.sumCents).toBe(reference.dataset().sumCents)
      expect(summary.balance).toBe(reference.dataset().balanceCents)
    } finally {
      await reference.close()
    }
  })
})

interface DemoRun {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `pnpm demo` with `args` against the sandbox at `baseUrl` as if it were
 * the real API. It plays the user: it logs in through the printed URL with
 * the scripted browser and types the SMS code from the outbox at the prompt.
 */
const runAgainstApiUrl = (
  sandbox: { readonly url: string; readonly sms: () => ReadonlyArray<{ confirmationId: string; code: string }> },
  configHome: string,
  args: ReadonlyArray<string>
) =>
  new Promise<DemoRun>((resolve, reject) => {
    const child = ChildProcess.spawn("pnpm", ["--silent", "demo", "--json", ...args], {
      cwd: repositoryRoot,
      env: {
        ...process.env,
        KONTIST_BASE_URL: sandbox.url,
        KONTIST_CLIENT_ID: demo.clientId,
        KONTIST_CLIENT_SECRET: demo.clientSecret,
        XDG_CONFIG_HOME: configHome
      },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    const timer = setTimeout(() => child.kill(), 110_000)

    child.stdout.on("data", (data: Buffer) => {
      stdout += data.toString()
    })
    // Chunks may split a line, so the patterns run on everything read so far, and each acts once.
    let loggedIn = false
    let typedCode = false
    child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString()

      const url = /^(http:\/\/127\.0\.0\.1:\d+\/api\/oauth\/authorize\?\S+)\n/m.exec(stderr)?.[1]
      if (url !== undefined && !loggedIn) {
        loggedIn = true
        void logInThroughForm(url, { username: demo.username, password: demo.password }).pipe(Effect.runPromise)
      }

      const confirmationId = /SMS code for transfer confirmation (\S+): $/m.exec(stderr)?.[1]
      if (confirmationId !== undefined && !typedCode) {
        typedCode = true
        const sms = sandbox.sms().find((message) => message.confirmationId === confirmationId)
        child.stdin.write(`${sms?.code ?? "000000"}\n`)
      }
    })
    child.on("error", reject)
    child.on("close", (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })

describe("pnpm demo against an API URL", () => {
  it("logs in through the browser and reuses the token", { timeout: 240_000 }, async () => {
    const sandbox = await start({ transactions: 120 })
    const configHome = Fs.mkdtempSync(Path.join(Os.tmpdir(), "kontist-demo-"))
    try {
      const first = await runAgainstApiUrl(sandbox, configHome, [
        "--transfer",
        "--iban",
        "DE89370400440532013000",
        "--recipient",
        "Jonas Becker"
      ])
      expect(first.status, first.stderr).toBe(0)
      const summary = JSON.parse(first.stdout) as Demo.Summary
      expect(summary.transactions).toBe(120)
      expect(summary.transfer?.status).toBe("CONFIRMED")
      expect(summary.subscriptionEvents).toBe(1)
      expect(first.stderr).toContain("Approve the login on your phone")

      const tokenFile = Path.join(configHome, "kontist", "kontist-token")
      expect(Fs.statSync(tokenFile).mode & 0o777).toBe(0o600)

      const second = await runAgainstApiUrl(sandbox, configHome, [])
      expect(second.status, second.stderr).toBe(0)
      expect(second.stderr).toContain("Using the stored login.")
      expect(second.stderr).not.toContain("/api/oauth/authorize")
      const secondSummary = JSON.parse(second.stdout) as Demo.Summary
      expect(secondSummary.transactions).toBe(121)
      expect(secondSummary.transfer).toBeNull()
      expect(secondSummary.subscriptionEvents).toBe(0)
    } finally {
      await sandbox.close()
      Fs.rmSync(configHome, { recursive: true, force: true })
    }
  })
})
