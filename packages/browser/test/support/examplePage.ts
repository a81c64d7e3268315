/**
 * Drives `examples/browser-pkce/index.html`: builds its bundle with the
 * example's own build script, and offers steps the tests share (log in
 * through the sandbox's form, click a button and wait for the page to settle).
 */
import { execFile } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import type { Page } from "playwright-core"

/** `examples/browser-pkce/` in this repository. */
export const exampleDir = fileURLToPath(new URL("../../../../examples/browser-pkce/", import.meta.url))

/** The sessionStorage key of the token (`TokenStore.defaultKey`). */
export const tokenKey = "kontist-token"

/**
 * Runs `examples/browser-pkce/build.mjs` into a fresh temporary directory,
 * so that concurrent test runs never serve a half-written bundle. Returns
 * the directory and a function that deletes it.
 */
export const buildExample = async (): Promise<{ readonly dir: string; remove(): Promise<void> }> => {
  const dir = await mkdtemp(join(tmpdir(), "kontist-example-"))
  await promisify(execFile)(process.execPath, [join(exampleDir, "build.mjs"), "--outdir", dir])
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** The states of `document.body.dataset.state` after an action has finished. */
const settledStates = ["ready", "error", "logged-out"]

export interface Settled {
  readonly state: string
  readonly status: string
  readonly error: string
}

/** Waits until the example page shows a settled state and returns it. */
export const settle = async (page: Page): Promise<Settled> => {
  await page.waitForFunction(
    (states) => states.includes(document.body.dataset["state"] ?? ""),
    settledStates,
    { timeout: 20_000 }
  )
  return page.evaluate(() => ({
    state: document.body.dataset["state"] ?? "",
    status: document.getElementById("status")?.textContent ?? "",
    error: document.getElementById("error")?.textContent ?? ""
  }))
}

/**
 * Clicks `selector` and waits for the action to finish. The state is first
 * set to `clicked`, so a settled state left over from the previous action is
 * never mistaken for the result of this one.
 */
export const clickAndSettle = async (page: Page, selector: string): Promise<Settled> => {
  await page.evaluate(() => {
    document.body.dataset["state"] = "clicked"
  })
  await page.click(selector)
  return settle(page)
}

/**
 * Opens the example page pointed at `apiUrl`, starts the login, submits the
 * sandbox's login form and waits until the page is back and settled.
 */
export const logIn = async (
  page: Page,
  options: { readonly pageUrl: string; readonly apiUrl: string; readonly username: string; readonly password: string }
): Promise<Settled> => {
  await page.goto(`${options.pageUrl}?api=${encodeURIComponent(options.apiUrl)}`)
  const start = await settle(page)
  if (start.state !== "logged-out") {
    throw new Error(`expected the example page to start logged out, got ${JSON.stringify(start)}`)
  }

  await page.click("#start-login")
  await page.waitForURL((url) => url.href.startsWith(`${options.apiUrl}/api/oauth/authorize`))
  await page.fill("input[name=username]", options.username)
  await page.fill("input[name=password]", options.password)
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(options.pageUrl)),
    page.click("#login")
  ])
  return settle(page)
}

/** The token the page stored in sessionStorage, as the `Token` schema encodes it. */
export interface StoredToken {
  readonly accessToken: string
  readonly refreshToken?: string
  readonly expiresAt: number
  readonly scope: ReadonlyArray<string>
  readonly confirmed: boolean
}

/** Reads the stored token from the page's sessionStorage; `undefined` when none is stored. */
export const readStoredToken = async (page: Page): Promise<StoredToken | undefined> => {
  const json = await page.evaluate((key) => sessionStorage.getItem(key), tokenKey)
  return json === null ? undefined : (JSON.parse(json) as StoredToken)
}
