/**
 * The script-tag build in Chromium: examples/browser-pkce/classic.html loads
 * dist/kontist.min.js, logs in with PKCE through the sandbox's login form and
 * lists transactions. The page and the sandbox run on different ports of
 * 127.0.0.1, so every API call is a real cross-origin request.
 */
import { execFile } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { demo, type RunningSandbox, start } from "@kontist/sandbox"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { saveScreenshot, useChromium } from "../../browser/test/support/chromium.js"
import { exampleDir, logIn } from "../../browser/test/support/examplePage.js"
import { type StaticServer, startStaticServer } from "../../browser/test/support/staticServer.js"

const bundleScript = fileURLToPath(new URL("../scripts/bundle.mjs", import.meta.url))

let bundleDir: string
let pages: StaticServer
let sandbox: RunningSandbox
let pageUrl: string

beforeAll(async () => {
  bundleDir = await mkdtemp(join(tmpdir(), "kontist-client-bundle-"))
  await promisify(execFile)(process.execPath, [bundleScript, "--outfile", join(bundleDir, "kontist.min.js")])
  // The same layout as the repository, so the page's relative script URL resolves.
  pages = await startStaticServer({
    "/examples/browser-pkce/": exampleDir,
    "/packages/client/dist/": bundleDir
  })
  pageUrl = `${pages.url}/examples/browser-pkce/classic.html`
  sandbox = await start({ port: 0, transactions: 200, corsOrigins: [pages.url] })
}, 60_000)

afterAll(async () => {
  await sandbox?.close()
  await pages?.close()
  if (bundleDir !== undefined) await rm(bundleDir, { recursive: true, force: true })
})

const openBrowser = useChromium()

describe("classic script-tag page", () => {
  it("logs in with PKCE and lists transactions", async () => {
    const { page, problems } = await openBrowser()
    sandbox.clearRequests()

    const settled = await logIn(page, { pageUrl, apiUrl: sandbox.url, username: demo.username, password: demo.password })
    expect(settled.state, settled.error).toBe("ready")
    expect(settled.status).toBe("Logged in. Showing the latest 20 transactions.")

    expect(await page.locator("#transactions tr").count()).toBe(20)
    expect(await page.locator("#iban").textContent()).toMatch(/^DE\d{20}$/)
    const url = new URL(page.url())
    expect(url.searchParams.has("code")).toBe(false)
    expect(url.searchParams.has("state")).toBe(false)

    const tokenRequests = sandbox.requests().filter((request) => request.path === "/api/oauth/token")
    expect(tokenRequests.map((request) => request.grantType)).toEqual(["authorization_code"])

    await saveScreenshot(page, "client-classic-page")
    expect(problems.consoleErrors).toEqual([])
    expect(problems.pageErrors).toEqual([])
  })

  it("refresh renews silently without a redirect", async () => {
    const { page, problems } = await openBrowser()
    const settled = await logIn(page, { pageUrl, apiUrl: sandbox.url, username: demo.username, password: demo.password })
    expect(settled.state, settled.error).toBe("ready")
    const navigations: Array<string> = []
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url())
    })
    sandbox.clearRequests()

    // `client` is the page's global, logged in with PKCE and without a refresh token.
    const result = await page.evaluate(async () => {
      const client = (window as unknown as { client: import("../src/browser.js").Client }).client
      const token = await client.auth.refresh()
      const transactions = await client.models.transaction.fetch({ first: 3 })
      return { refreshToken: token.refreshToken ?? null, expiresInFuture: token.expires.getTime() > Date.now(), items: transactions.items.length }
    })

    expect(result).toEqual({ refreshToken: null, expiresInFuture: true, items: 3 })
    expect(navigations).toEqual([])
    const grants = sandbox.requests().filter((request) => request.path === "/api/oauth/token").map((request) => request.grantType)
    expect(grants).toEqual(["authorization_code"])
    expect(problems.pageErrors).toEqual([])
  })

  it("ignores an API server that is not loopback", async () => {
    const { page } = await openBrowser()
    const blocked: Array<string> = []
    await page.context().route((url) => !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname), (route) => {
      blocked.push(route.request().url())
      return route.abort()
    })
    await page.goto(`${pageUrl}?api=${encodeURIComponent(sandbox.url)}`)
    await page.waitForSelector("#start-login:not([hidden])")

    await page.goto(`${pageUrl}?api=${encodeURIComponent("https://api.invalid")}`)
    await page.waitForSelector("#start-login:not([hidden])")

    expect(await page.locator("#api-server").textContent()).toBe(sandbox.url)
    expect(await page.locator("#api-notice").textContent()).toBe(
      `Ignored ?api=https://api.invalid: this page accepts only http://127.0.0.1, http://localhost or http://[::1] with any port, and uses ${sandbox.url}.`
    )
    await page.click("#start-login")
    await page.waitForURL((url) => url.href.startsWith(`${sandbox.url}/api/oauth/authorize`))
    expect(blocked).toEqual([])
  })

  it("defines Kontist with typed errors", async () => {
    const { page, problems } = await openBrowser()
    await page.goto(`${pageUrl}?api=${encodeURIComponent(sandbox.url)}`)

    const result = await page.evaluate(async (apiUrl) => {
      const Kontist = (window as unknown as { Kontist: typeof import("../src/browser.js") }).Kontist
      let constructorError: unknown
      try {
        new Kontist.Client({ clientId: "kontist-sandbox", clientSecret: "secret", verifier: "v".repeat(43), state: "s", redirectUri: location.href, scopes: ["transactions"] })
      } catch (error) {
        constructorError = error
      }
      const client = new Kontist.Client({ clientId: "kontist-sandbox", scopes: ["transactions"], baseUrl: apiUrl })
      const rejection = await client.graphQL.rawQuery("query Viewer { viewer { email } }").catch((error: unknown) => error)
      await client.dispose()
      return {
        exports: ["Client", "MFAConfirmationCanceledError", "OAuthError", "InvalidInput"].filter((name) => name in Kontist),
        constructorError: constructorError instanceof Kontist.InvalidInput ? constructorError.name : String(constructorError),
        rejection: rejection instanceof Kontist.Unauthorized ? `${rejection.name}: ${rejection.reason}` : String(rejection)
      }
    }, sandbox.url)

    expect(result.exports).toEqual(["Client", "MFAConfirmationCanceledError", "OAuthError", "InvalidInput"])
    expect(result.constructorError).toBe("InvalidInput")
    expect(result.rejection).toBe("Unauthorized: NoToken")
    expect(problems.consoleErrors).toEqual([])
    expect(problems.pageErrors).toEqual([])
  })
})
