/**
 * `SilentRenewal.renew` in Chromium, through a test page that runs it with
 * its own options: the state's URL encoding, the timeout, messages from
 * another origin, and the clean-up of the iframe and the listener.
 */
import { demo, type RunningSandbox, start } from "@kontist/sandbox"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import type { RunOptions, RunResult } from "./fixtures/renewal.js"
import { useChromium } from "./support/chromium.js"
import { buildFixturePage, type FixturePage } from "./support/fixturePage.js"
import { type ForgingServer, startForgingServer } from "./support/forgingServer.js"
import { type StaticServer, startStaticServer } from "./support/staticServer.js"

let fixture: FixturePage
let pages: StaticServer
let sandbox: RunningSandbox
let forger: ForgingServer
let fixtureUrl: string

beforeAll(async () => {
  fixture = await buildFixturePage("renewal")
  pages = await startStaticServer({ "/": fixture.dir })
  fixtureUrl = `${pages.url}/index.html`
  sandbox = await start({ port: 0, corsOrigins: [pages.url], transactions: 10 })
  forger = await startForgingServer(pages.url)
}, 60_000)

afterAll(async () => {
  await forger?.close()
  await sandbox?.close()
  await pages?.close()
  await fixture?.remove()
})

beforeEach(() => {
  sandbox.clearRequests()
  forger.clearRequests()
})

const openBrowser = useChromium()

const openFixture = async (page: Page) => {
  await page.goto(fixtureUrl)
  await page.waitForFunction(() => document.body.dataset["ready"] === "true")
}

/** Logs in through the sandbox's form so that the browser has a session cookie, and returns to the fixture. */
const startSession = async (page: Page) => {
  const authorize = new URL(`${sandbox.url}/api/oauth/authorize`)
  authorize.searchParams.set("response_type", "code")
  authorize.searchParams.set("client_id", demo.clientId)
  authorize.searchParams.set("redirect_uri", fixtureUrl)
  authorize.searchParams.set("scope", "accounts transactions")
  authorize.searchParams.set("state", "session-setup")
  await page.goto(authorize.href)
  await page.fill("input[name=username]", demo.username)
  await page.fill("input[name=password]", demo.password)
  await Promise.all([page.waitForURL((url) => url.href.startsWith(fixtureUrl)), page.click("#login")])
  await openFixture(page)
}

const renew = (page: Page, options: RunOptions): Promise<RunResult> =>
  page.evaluate((options) => window.renewalFixture.run(options), options)

const leftovers = (page: Page) =>
  page.evaluate(() => ({
    iframes: window.renewalFixture.iframes(),
    messageListeners: window.renewalFixture.messageListeners()
  }))

describe("SilentRenewal", () => {
  it("encodes the state exactly once", async () => {
    const { context, page } = await openBrowser()
    await startSession(page)
    const state = "a b+c/d=e&f%20g?é"
    const iframeUrls: Array<string> = []
    context.on("request", (request) => {
      if (request.isNavigationRequest() && request.frame() !== page.mainFrame()) iframeUrls.push(request.url())
    })

    const result = await renew(page, { baseUrl: sandbox.url, timeoutMillis: 10_000, state })

    expect(result).toMatchObject({ outcome: "success" })
    expect(iframeUrls).toHaveLength(1)
    expect(new URL(iframeUrls[0]!).searchParams.get("state")).toBe(state)
    const grants = sandbox.requests().filter((request) => request.grantType === "authorization_code")
    expect(grants).toHaveLength(1)
    expect(await leftovers(page)).toEqual({ iframes: 0, messageListeners: 0 })
  })

  it("fails with login_required without a session", async () => {
    const { page } = await openBrowser()
    await openFixture(page)

    const result = await renew(page, { baseUrl: sandbox.url, timeoutMillis: 10_000 })

    expect(result).toMatchObject({ outcome: "failure", tag: "OAuthError", error: "login_required" })
    expect(sandbox.requests().filter((request) => request.path === "/api/oauth/token")).toHaveLength(0)
    expect(await leftovers(page)).toEqual({ iframes: 0, messageListeners: 0 })
  })

  it("times out when no message arrives", async () => {
    const { page } = await openBrowser()
    await openFixture(page)

    // The static server returns 404 for the authorize path, so nothing posts a message.
    const started = Date.now()
    const result = await renew(page, { baseUrl: pages.url, timeoutMillis: 500 })
    const elapsed = Date.now() - started

    expect(result).toMatchObject({ outcome: "failure", tag: "OAuthError", error: "timeout" })
    if (result.outcome === "failure") expect(result.message).toContain(`timed out after 500ms waiting for an authorization response from ${pages.url}`)
    expect(elapsed).toBeGreaterThanOrEqual(500)
    expect(await leftovers(page)).toEqual({ iframes: 0, messageListeners: 0 })
  })

  it("ignores responses from another origin", async () => {
    const { page } = await openBrowser()
    await startSession(page)

    // Forged responses with the right state arrive from the page's own origin
    // before and after the sandbox's response. Exchanging their made-up code
    // would fail with invalid_grant, so success shows they were ignored.
    const result = await renew(page, { baseUrl: sandbox.url, timeoutMillis: 10_000, forgeMessage: true })

    expect(result).toMatchObject({ outcome: "success" })
    expect(sandbox.requests().filter((request) => request.path === "/api/oauth/token")).toHaveLength(1)
    expect(await leftovers(page)).toEqual({ iframes: 0, messageListeners: 0 })
  })

  it("ignores the iframe's messages from another origin", async () => {
    const { page } = await openBrowser()
    await openFixture(page)
    forger.forgeFrom = "other"

    // The authorize endpoint redirects the iframe to a page of another
    // origin, which posts a response with the right state from the iframe's
    // own window. Only the origin check can reject it.
    const result = await renew(page, { baseUrl: forger.apiUrl, timeoutMillis: 1_000 })

    expect(result.forgedFromIframes).toBeGreaterThan(0)
    expect(result).toMatchObject({ outcome: "failure", tag: "OAuthError", error: "timeout" })
    expect(forger.tokenRequests()).toBe(0)
    expect(await leftovers(page)).toEqual({ iframes: 0, messageListeners: 0 })
  })

  it("accepts the iframe's messages from the API origin", async () => {
    const { page } = await openBrowser()
    await openFixture(page)
    forger.forgeFrom = "api"

    // The same forged page served from the API's origin passes both checks,
    // so its made-up code reaches the token endpoint, which rejects it. This
    // shows that the case above differs only in the origin.
    const result = await renew(page, { baseUrl: forger.apiUrl, timeoutMillis: 10_000 })

    expect(result.forgedFromIframes).toBeGreaterThan(0)
    expect(result).toMatchObject({ outcome: "failure", tag: "OAuthError", error: "invalid_grant" })
    expect(forger.tokenRequests()).toBe(1)
    expect(await leftovers(page)).toEqual({ iframes: 0, messageListeners: 0 })
  })

  it("keeps a pending interactive login", async () => {
    const { page } = await openBrowser()
    await startSession(page)

    // The fixture builds a remembered authorization URL first, renews, then
    // sends a callback with the first login's state and a made-up code. The
    // sandbox rejecting the code (invalid_grant) shows that the state check
    // passed, so the renewal did not replace the pending login.
    const result = await renew(page, { baseUrl: sandbox.url, timeoutMillis: 10_000, pendingLogin: true })

    expect(result).toMatchObject({ outcome: "success", pendingLogin: "invalid_grant" })
    expect(sandbox.requests().filter((request) => request.grantType === "authorization_code")).toHaveLength(2)
    expect(await leftovers(page)).toEqual({ iframes: 0, messageListeners: 0 })
  })

  it("times out when only forged responses arrive", async () => {
    const { page } = await openBrowser()
    await openFixture(page)

    // The API origin is the static server, which never responds, so only the
    // forged responses from the page's origin reach the listener.
    const result = await renew(page, { baseUrl: pages.url, timeoutMillis: 1_000, forgeMessage: true })

    expect(result).toMatchObject({ outcome: "failure", tag: "OAuthError", error: "timeout" })
    expect(await leftovers(page)).toEqual({ iframes: 0, messageListeners: 0 })
  })
})
