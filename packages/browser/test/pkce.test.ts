/**
 * The PKCE example page in Chromium against the sandbox: redirect login
 * through the sandbox's form, silent renewal in a hidden iframe, and the
 * typed error when the session at the API has ended. The page and the
 * sandbox run on different ports of 127.0.0.1, so every API call is a real
 * cross-origin request.
 */
import * as Money from "@kontist/core/Money"
import { demo, type RunningSandbox, start } from "@kontist/sandbox"
import type { Page, Request } from "playwright-core"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { saveScreenshot, useChromium } from "./support/chromium.js"
import {
  buildExample,
  clickAndSettle,
  exampleDir,
  logIn,
  readStoredToken,
  settle,
  type Settled
} from "./support/examplePage.js"
import { type StaticServer, startStaticServer } from "./support/staticServer.js"

let bundle: Awaited<ReturnType<typeof buildExample>>
let pages: StaticServer
let sandbox: RunningSandbox
let pageUrl: string

beforeAll(async () => {
  bundle = await buildExample()
  pages = await startStaticServer({ "/": exampleDir, "/dist/": bundle.dir })
  pageUrl = `${pages.url}/index.html`
  sandbox = await start({ port: 0, corsOrigins: [pages.url] })
}, 60_000)

afterAll(async () => {
  await sandbox?.close()
  await pages?.close()
  await bundle?.remove()
})

beforeEach(() => {
  sandbox.configure({ accessTokenTtlSeconds: 3600 })
  sandbox.clearRequests()
})

const openBrowser = useChromium()

const logInAsDemoUser = (page: Page): Promise<Settled> =>
  logIn(page, { pageUrl, apiUrl: sandbox.url, username: demo.username, password: demo.password })

const authorizationCodeGrants = () =>
  sandbox.requests().filter((request) => request.path === "/api/oauth/token" && request.grantType === "authorization_code")

/** Records navigation requests of the tab itself and of its iframes. */
const recordNavigations = (page: Page) => {
  const topLevel: Array<string> = []
  const iframes: Array<string> = []
  page.on("request", (request: Request) => {
    if (!request.isNavigationRequest()) return
    if (request.frame() === page.mainFrame()) {
      topLevel.push(request.url())
    } else {
      iframes.push(request.url())
    }
  })
  return { topLevel, iframes }
}

/**
 * Replaces the stored token with a 2-second one through a silent renewal and
 * waits until it has expired. Tokens issued afterwards last an hour again, so
 * a slow machine cannot make the next one expire mid-test.
 */
const expireToken = async (page: Page) => {
  sandbox.configure({ accessTokenTtlSeconds: 2 })
  const renewed = await clickAndSettle(page, "#renew")
  expect(renewed.state, renewed.error).toBe("ready")
  const token = await readStoredToken(page)
  expect(token).toBeDefined()
  await page.waitForTimeout(Math.max(0, token!.expiresAt - Date.now()) + 200)
  sandbox.configure({ accessTokenTtlSeconds: 3600 })
}

describe("PKCE example page", () => {
  it("logs in through the sandbox form", async () => {
    const { context, page, problems } = await openBrowser()
    const apiRequests: Array<Promise<{ url: string; headers: Record<string, string> }>> = []
    context.on("request", (request) => {
      if (request.url().startsWith(`${sandbox.url}/api/graphql`) || request.url().startsWith(`${sandbox.url}/api/oauth/token`)) {
        apiRequests.push(request.allHeaders().then((headers) => ({ url: request.url(), headers })))
      }
    })

    const settled = await logInAsDemoUser(page)
    expect(settled.state, settled.error).toBe("ready")
    expect(settled.status).toBe("Logged in. Showing the latest 20 transactions.")

    await expect.poll(() => page.locator("#iban").textContent()).toMatch(/^DE\d{20}$/)
    const balance = await page.locator("#balance").textContent()
    const normaliseSpaces = (text: string | null) => (text ?? "").replace(/\s/g, " ")
    expect(normaliseSpaces(balance)).toBe(normaliseSpaces(Money.format(sandbox.dataset().balanceCents)))
    expect(await page.locator("#transactions tr").count()).toBe(20)
    expect(authorizationCodeGrants()).toHaveLength(1)

    await saveScreenshot(page, "browser-pkce-logged-in")

    const api = await Promise.all(apiRequests)
    expect(api.length).toBeGreaterThanOrEqual(3)
    for (const { headers, url } of api) {
      expect(headers, url).not.toHaveProperty("b3")
      expect(headers, url).not.toHaveProperty("traceparent")
    }
    // Chromium requests /favicon.ico for a page without an icon link, such as the sandbox's login form.
    const consoleErrors = problems.consoleErrors.filter((text) => !text.endsWith("/favicon.ico]"))
    expect(consoleErrors).toEqual([])
    expect(problems.pageErrors).toEqual([])
    expect(problems.failedRequests).toEqual([])
  })

  it("keeps the token in sessionStorage", async () => {
    const { page } = await openBrowser()
    await logInAsDemoUser(page)

    const token = await readStoredToken(page)
    expect(token).toBeDefined()
    expect(token!.accessToken.length).toBeGreaterThan(0)
    expect(token!.refreshToken).toBeUndefined()
    expect(token!.expiresAt).toBeGreaterThan(Date.now() + 3_000_000)
    expect(token!.scope).toEqual(expect.arrayContaining(["accounts", "transactions"]))
    expect(token!.confirmed).toBe(false)

    const pendingLogin = await page.evaluate(() => sessionStorage.getItem("kontist-pending-login"))
    expect(pendingLogin).toBeNull()
    const persisted = await page.evaluate(() => localStorage.length)
    expect(persisted).toBe(0)
  })

  it("removes code and state from the address bar", async () => {
    const { page } = await openBrowser()
    const navigations = recordNavigations(page)
    await logInAsDemoUser(page)

    const callback = navigations.topLevel.find((url) => url.startsWith(pageUrl) && new URL(url).searchParams.has("code"))
    expect(callback, "the sandbox redirected back with a code").toBeDefined()
    expect(new URL(callback!).searchParams.has("state")).toBe(true)

    expect(page.url()).toBe(pageUrl)
    const location = await page.evaluate(() => window.location.href)
    expect(location).toBe(pageUrl)
  })

  it("renews an expired token silently", async () => {
    const { page } = await openBrowser()
    expect((await logInAsDemoUser(page)).state).toBe("ready")
    await expireToken(page)

    const expired = await readStoredToken(page)
    expect(expired!.expiresAt).toBeLessThan(Date.now())
    sandbox.clearRequests()
    const navigations = recordNavigations(page)
    const urlBefore = page.url()

    const reloaded = await clickAndSettle(page, "#reload")
    expect(reloaded.state, reloaded.error).toBe("ready")

    const renewed = await readStoredToken(page)
    expect(renewed!.accessToken).not.toBe(expired!.accessToken)
    expect(renewed!.expiresAt).toBeGreaterThan(expired!.expiresAt)

    expect(page.url()).toBe(urlBefore)
    expect(navigations.topLevel).toEqual([])
    expect(navigations.iframes).toHaveLength(1)
    const authorize = new URL(navigations.iframes[0]!)
    expect(authorize.origin + authorize.pathname).toBe(`${sandbox.url}/api/oauth/authorize`)
    expect(authorize.searchParams.get("prompt")).toBe("none")
    expect(authorize.searchParams.get("response_mode")).toBe("web_message")
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256")
    expect(authorize.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/)

    // Both requests of the reload waited for the same renewal.
    expect(authorizationCodeGrants()).toHaveLength(1)
    expect(sandbox.requests().filter((request) => request.path === "/api/graphql")).toHaveLength(2)
    expect(await page.locator("iframe").count()).toBe(0)
    expect(await page.locator("#transactions tr").count()).toBe(20)
  })

  it("reports login_required when the session ended", async () => {
    const { context, page } = await openBrowser()
    expect((await logInAsDemoUser(page)).state).toBe("ready")
    await expireToken(page)

    await context.clearCookies()
    sandbox.clearRequests()
    const navigations = recordNavigations(page)
    const urlBefore = page.url()

    const failed = await clickAndSettle(page, "#reload")
    expect(failed.state).toBe("error")
    const error = page.locator("#error")
    expect(await error.getAttribute("data-tag")).toBe("OAuthError")
    expect(await error.getAttribute("data-error")).toBe("login_required")
    expect(failed.error).toMatch(/^OAuthError: OAuth2 login_required: /)
    expect(failed.error).toMatch(/log in again/i)

    expect(page.url()).toBe(urlBefore)
    expect(navigations.topLevel).toEqual([])
    expect(navigations.iframes).toHaveLength(1)
    expect(authorizationCodeGrants()).toHaveLength(0)
    expect(sandbox.requests().filter((request) => request.path === "/api/graphql")).toHaveLength(0)
    expect(await page.locator("iframe").count()).toBe(0)
  })
})

describe("completeLogin on the example page", () => {
  /** Starts a login, stops at the sandbox's form and returns the state the page sent. */
  const startLoginWithoutSubmitting = async (page: Page): Promise<string> => {
    await page.goto(`${pageUrl}?api=${encodeURIComponent(sandbox.url)}`)
    await page.waitForSelector("#start-login:not([hidden])")
    await page.click("#start-login")
    await page.waitForURL((url) => url.href.startsWith(`${sandbox.url}/api/oauth/authorize`))
    return new URL(page.url()).searchParams.get("state") ?? ""
  }

  const pendingLogin = (page: Page) => page.evaluate(() => sessionStorage.getItem("kontist-pending-login"))

  it("rejects a callback without a pending login", async () => {
    const { page } = await openBrowser()
    await page.goto(`${pageUrl}?api=${encodeURIComponent(sandbox.url)}&code=made-up&state=made-up`)

    const settled = await settle(page)
    expect(settled.state).toBe("error")
    expect(await page.locator("#error").getAttribute("data-error")).toBe("no_pending_authorization")
    expect(page.url()).toBe(`${pageUrl}?api=${encodeURIComponent(sandbox.url)}`)
    expect(authorizationCodeGrants()).toHaveLength(0)
  })

  it("rejects a callback with another state", async () => {
    const { page } = await openBrowser()
    const state = await startLoginWithoutSubmitting(page)
    expect(state).not.toBe("")

    await page.goto(`${pageUrl}?code=made-up&state=not-${state}`)

    const settled = await settle(page)
    expect(settled.state).toBe("error")
    expect(await page.locator("#error").getAttribute("data-error")).toBe("state_mismatch")
    expect(page.url()).toBe(pageUrl)
    expect(await pendingLogin(page)).toBeNull()
    expect(authorizationCodeGrants()).toHaveLength(0)
  })

  it("reports an error callback", async () => {
    const { page } = await openBrowser()
    const state = await startLoginWithoutSubmitting(page)

    await page.goto(`${pageUrl}?error=access_denied&error_description=The+user+declined&state=${encodeURIComponent(state)}`)

    const settled = await settle(page)
    expect(settled.state).toBe("error")
    expect(await page.locator("#error").getAttribute("data-error")).toBe("access_denied")
    expect(settled.error).toContain("The user declined")
    expect(page.url()).toBe(pageUrl)
    expect(await pendingLogin(page)).toBeNull()
    expect(authorizationCodeGrants()).toHaveLength(0)
  })
})

describe("api parameter of the example page", () => {
  const loopbackHosts = ["127.0.0.1", "localhost", "[::1]"]

  /** Aborts every request to a host other than loopback, so no test reaches another machine, and records it. */
  const blockOtherHosts = async (page: Page): Promise<Array<string>> => {
    const blocked: Array<string> = []
    await page.context().route((url) => !loopbackHosts.includes(url.hostname), (route) => {
      blocked.push(route.request().url())
      return route.abort()
    })
    return blocked
  }

  const shownApiServer = async (page: Page) => ({
    server: await page.locator("#api-server").textContent(),
    notice: await page.locator("#api-notice").isVisible() ? await page.locator("#api-notice").textContent() : null,
    stored: await page.evaluate(() => sessionStorage.getItem("kontist-example-base-url"))
  })

  it("ignores an API server that is not loopback", async () => {
    const { page } = await openBrowser()
    const blocked = await blockOtherHosts(page)
    await page.goto(`${pageUrl}?api=${encodeURIComponent(sandbox.url)}`)
    expect((await settle(page)).state).toBe("logged-out")

    const rejected = [
      "https://api.invalid",
      "http://api.invalid:4010",
      "https://127.0.0.1:4010",
      "http://127.0.0.1.invalid:4010",
      "http://localhost.invalid:4010",
      "javascript:alert(1)",
      "not a URL"
    ]
    for (const value of rejected) {
      await page.goto(`${pageUrl}?api=${encodeURIComponent(value)}`)
      expect((await settle(page)).state, value).toBe("logged-out")

      const shown = await shownApiServer(page)
      expect(shown.server, value).toBe(sandbox.url)
      expect(shown.notice, value).toBe(
        `Ignored ?api=${value}: this page accepts only http://127.0.0.1, http://localhost or http://[::1] with any port, and uses ${sandbox.url}.`
      )
      expect(shown.stored, value).toBe(sandbox.url)
    }

    // The login still goes to the accepted server.
    await page.click("#start-login")
    await page.waitForURL((url) => url.href.startsWith(`${sandbox.url}/api/oauth/authorize`))
    expect(blocked).toEqual([])
  })

  it("uses the default server when only a rejected one was given", async () => {
    const { page } = await openBrowser()
    const blocked = await blockOtherHosts(page)

    await page.goto(`${pageUrl}?api=${encodeURIComponent("https://api.invalid")}`)
    expect((await settle(page)).state).toBe("logged-out")

    const shown = await shownApiServer(page)
    expect(shown.server).toBe("http://127.0.0.1:4010")
    expect(shown.notice).toContain("Ignored ?api=https://api.invalid")
    expect(shown.stored).toBeNull()
    expect(blocked).toEqual([])
  })

  it("accepts loopback API servers", async () => {
    const { page } = await openBrowser()
    const blocked = await blockOtherHosts(page)

    // Logged out, the page sends no API request, so nothing needs to listen on these ports.
    const accepted: ReadonlyArray<readonly [string, string]> = [
      ["http://127.0.0.1:4011", "http://127.0.0.1:4011"],
      ["http://localhost:4012/", "http://localhost:4012"],
      ["http://[::1]:4013/api", "http://[::1]:4013"]
    ]
    for (const [value, origin] of accepted) {
      await page.goto(`${pageUrl}?api=${encodeURIComponent(value)}`)
      expect((await settle(page)).state, value).toBe("logged-out")
      expect(await shownApiServer(page), value).toEqual({ server: origin, notice: null, stored: origin })
    }
    expect(blocked).toEqual([])
  })
})
