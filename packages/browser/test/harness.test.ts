/**
 * The test harness itself: the static server stays inside its directories,
 * and a Chromium session notices a request that CORS blocked.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchChromium } from "./support/chromium.js"
import { type StaticServer, startStaticServer } from "./support/staticServer.js"

let root: string
let first: StaticServer
let second: StaticServer

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kontist-harness-"))
  await writeFile(join(root, "index.html"), `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>harness</body></html>`)
  first = await startStaticServer({ "/": root })
  second = await startStaticServer({ "/": root })
})

afterAll(async () => {
  await first?.close()
  await second?.close()
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

/** Sends a GET with `path` exactly as written, without the URL normalisation `fetch` applies. */
const rawGet = (server: StaticServer, path: string) =>
  new Promise<number>((resolve, reject) => {
    const url = new URL(server.url)
    request({ host: url.hostname, port: url.port, path, method: "GET" }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    }).on("error", reject).end()
  })

describe("static server", () => {
  it("serves index.html for a directory", async () => {
    expect(await rawGet(first, "/")).toBe(200)
    expect(await rawGet(first, "/index.html")).toBe(200)
  })

  it("rejects paths outside its root", async () => {
    expect(await rawGet(first, "/%2e%2e/%2e%2e/etc/passwd")).toBe(404)
    expect(await rawGet(first, "/../../etc/passwd")).toBe(404)
    expect(await rawGet(first, "/missing.js")).toBe(404)
  })
})

describe("Chromium session", () => {
  it("reports a request blocked by CORS", async () => {
    const session = await launchChromium()
    try {
      await session.page.goto(`${first.url}/index.html`)
      // The second server sends no CORS headers, and the authorization header forces a preflight.
      const outcome = await session.page.evaluate(
        (url) =>
          fetch(url, { headers: { authorization: "Bearer not-a-token" } }).then(
            () => "loaded",
            (error: unknown) => String(error)
          ),
        `${second.url}/index.html`
      )

      expect(outcome).toMatch(/^TypeError/)
      await expect.poll(() => session.corsErrors().length).toBeGreaterThan(0)
      expect(session.corsErrors()[0]).toContain(second.url)
      expect(() => session.assertNoCorsErrors()).toThrow(/blocked \d+ request\(s\) by CORS/)
    } finally {
      await session.close()
    }
  })

  it("reports no CORS error for a same-origin request", async () => {
    const session = await launchChromium()
    try {
      await session.page.goto(`${first.url}/index.html`)
      const status = await session.page.evaluate(
        (url) => fetch(url, { headers: { authorization: "Bearer not-a-token" } }).then((response) => response.status),
        `${first.url}/index.html`
      )

      expect(status).toBe(200)
      expect(session.corsErrors()).toEqual([])
      expect(session.problems.consoleErrors).toEqual([])
    } finally {
      await session.close()
    }
  })
})
