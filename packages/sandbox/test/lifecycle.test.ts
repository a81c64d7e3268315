import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { it as effectIt } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { demo, Sandbox, start } from "../src/index.js"

describe("Sandbox.layer", () => {
  effectIt.live("closes the sandbox with its scope", () =>
    Effect.gen(function* () {
      const url = yield* Effect.gen(function* () {
        const sandbox = yield* Sandbox
        const response = yield* Effect.promise(() => fetch(`${sandbox.url}/sandbox/dataset`))
        expect(response.status).toBe(200)
        expect(sandbox.dataset().count).toBe(10)
        return sandbox.url
      }).pipe(Effect.provide(Sandbox.layer({ port: 0, transactions: 10 })))

      const afterClose = yield* Effect.promise(() => fetch(`${url}/sandbox/dataset`).then(() => "answered", () => "refused"))
      expect(afterClose).toBe("refused")
    }))
})

describe("start", () => {
  it("rejects a port in use", async () => {
    const first = await start({ port: 0, transactions: 10 })
    try {
      await expect(start({ port: first.port, transactions: 10 })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await first.close()
    }
  })

  it("rejects invalid options", async () => {
    await expect(start({ accessTokenTtlSeconds: -1 })).rejects.toThrow(TypeError)
    await expect(start({ mfa: { answer: "later" as never } })).rejects.toThrow(/mfa.answer/)
  })

  it("closes open WebSockets and connections", async () => {
    const sandbox = await start({ port: 0, transactions: 10 })
    const { default: WebSocket } = await import("ws")
    const socket = new WebSocket(`${sandbox.url.replace(/^http/, "ws")}/api/graphql`, "graphql-transport-ws")
    await new Promise((resolve) => socket.once("open", resolve))
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)))
    await sandbox.close()
    expect(await closed).toBe(1001)
    await sandbox.close()
  })
})

describe("command line", () => {
  it("prints the URL and demo credentials", async () => {
    const packageRoot = fileURLToPath(new URL("..", import.meta.url))
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin.ts", "--", "--port", "0", "--transactions", "20", "--mfa", "deny"], {
      cwd: packageRoot,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
    try {
      const deadline = Date.now() + 20_000
      while (!output.includes("Press Ctrl+C") && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      expect(url).toBeDefined()
      expect(output).toContain(demo.clientId)
      expect(output).toContain(demo.clientSecret)
      expect(output).toContain(demo.username)
      expect(output).toContain(demo.password)
      expect(output).toContain("20 transactions")
      const dataset = await fetch(`${url}/sandbox/dataset`)
      expect(((await dataset.json()) as { count: number }).count).toBe(20)
    } finally {
      child.kill("SIGINT")
    }
    expect(await exited).toBe(0)
    expect(output).toContain("Kontist sandbox stopped.")
  })

  it("rejects an unknown MFA answer", async () => {
    const packageRoot = fileURLToPath(new URL("..", import.meta.url))
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin.ts", "--mfa", "later"], { cwd: packageRoot, stdio: ["ignore", "pipe", "pipe"] })
    let errors = ""
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString("utf8")
    })
    const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)))
    expect(code).toBe(2)
    expect(errors).toContain("--mfa must be approve, deny or ignore")
  })
})
