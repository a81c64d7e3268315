/**
 * Subscriptions in Chromium: `BrowserKontist.layerKontist` hands the native
 * `WebSocket` to graphql-ws, and a transaction booked in the sandbox arrives
 * on the page.
 */
import { demo, type RunningSandbox, start } from "@kontist/sandbox"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FirstTransactionResult } from "./fixtures/subscription.js"
import { useChromium } from "./support/chromium.js"
import { buildFixturePage, type FixturePage } from "./support/fixturePage.js"
import { type StaticServer, startStaticServer } from "./support/staticServer.js"

let fixture: FixturePage
let pages: StaticServer
let sandbox: RunningSandbox

beforeAll(async () => {
  fixture = await buildFixturePage("subscription")
  pages = await startStaticServer({ "/": fixture.dir })
  sandbox = await start({ port: 0, corsOrigins: [pages.url], transactions: 10 })
}, 60_000)

afterAll(async () => {
  await sandbox?.close()
  await pages?.close()
  await fixture?.remove()
})

const openBrowser = useChromium()

/** Logs in from Node with the password grant, which needs the client secret that a page must not carry. */
const passwordGrant = async (): Promise<{ access_token: string; expires_in: number }> => {
  const response = await fetch(`${sandbox.url}/api/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "password",
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      username: demo.username,
      password: demo.password,
      scope: "subscriptions transactions"
    })
  })
  expect(response.status).toBe(200)
  return (await response.json()) as { access_token: string; expires_in: number }
}

describe("Subscriptions in the browser", () => {
  it("receives a booked transaction", async () => {
    const { page, problems } = await openBrowser()
    const webSockets: Array<string> = []
    page.on("websocket", (socket) => webSockets.push(socket.url()))
    await page.goto(`${pages.url}/index.html`)
    await page.waitForFunction(() => document.body.dataset["ready"] === "true")

    const token = await passwordGrant()
    const received = page.evaluate(
      (options) => window.subscriptionFixture.firstTransaction(options),
      { baseUrl: sandbox.url, accessToken: token.access_token, expiresAt: Date.now() + token.expires_in * 1000 }
    )
    let settled: FirstTransactionResult | undefined
    void received.then((result) => {
      settled = result
    })
    await Promise.race([received, page.waitForFunction(() => document.body.dataset["subscribing"] === "true")])

    // The test cannot see when the server has registered the subscription,
    // so it books a transaction every 200 ms until the page has received one.
    const input = { amount: 1234, name: "Browser Subscription GmbH", iban: "DE89370400440532013000", purpose: "Subscription test" }
    const deadline = Date.now() + 15_000
    while (settled === undefined && Date.now() < deadline) {
      sandbox.injectTransaction(input)
      await Promise.race([received, new Promise((resolve) => setTimeout(resolve, 200))])
    }
    const diagnostics = JSON.stringify({ webSockets, problems })

    expect(settled, diagnostics).toEqual({ outcome: "success", name: input.name, amount: input.amount })
    expect(webSockets).toEqual([`${sandbox.url.replace(/^http/, "ws")}/api/graphql`])
    expect(problems.consoleErrors).toEqual([])
  })
})
