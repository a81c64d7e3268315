/**
 * Drives Debian's Chromium (`/usr/bin/chromium`) through playwright-core for
 * the browser tests. playwright-core never downloads a browser of its own.
 *
 * Every session gets a fresh profile directory and records console errors,
 * uncaught page errors and failed requests. `useChromium` closes the sessions
 * a test opened and fails the test when Chromium reported a CORS error.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type BrowserContext, chromium, type Page } from "playwright-core"
import { afterEach } from "vitest"

/** The Chromium binary of Debian's `chromium` package. */
export const chromiumPath = "/usr/bin/chromium"

/**
 * Command-line flags for a headless run on a machine without internet access.
 * Background networking, component updates, sync and QUIC are off because
 * Chromium would otherwise keep opening connections that are refused.
 */
export const chromiumArgs: ReadonlyArray<string> = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run"
]

/** `test-artifacts/` at the repository root (gitignored). */
export const artifactsDir = fileURLToPath(new URL("../../../../test-artifacts/", import.meta.url))

export interface FailedRequest {
  readonly method: string
  readonly url: string
  /** Chromium's network error, such as `net::ERR_FAILED` or `net::ERR_ABORTED`. */
  readonly errorText: string
}

/** What went wrong in the browser while a session was open, oldest first. */
export interface BrowserProblems {
  /** Console errors, each followed by the URL (without its query) of its source in brackets when Chromium reports one. */
  readonly consoleErrors: Array<string>
  readonly pageErrors: Array<string>
  readonly failedRequests: Array<FailedRequest>
}

export interface ChromiumSession {
  readonly context: BrowserContext
  /** The first tab of the persistent context. */
  readonly page: Page
  readonly problems: BrowserProblems
  /** Console messages in which Chromium reported a request blocked by CORS. */
  corsErrors(): ReadonlyArray<string>
  /** Throws when `corsErrors()` is not empty, listing the messages. */
  assertNoCorsErrors(): void
  /** Closes Chromium and deletes the profile directory. */
  close(): Promise<void>
}

const corsPattern = /CORS policy|Access-Control-Allow-/i

/**
 * Launches headless Chromium with a fresh `--user-data-dir`. Playwright
 * passes the directory itself with `launchPersistentContext` and rejects a
 * `--user-data-dir` flag in `args`.
 */
export const launchChromium = async (): Promise<ChromiumSession> => {
  const userDataDir = await mkdtemp(join(tmpdir(), "kontist-chromium-"))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumArgs],
      viewport: { width: 1024, height: 900 }
    })
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true })
    throw error
  }

  const problems: BrowserProblems = { consoleErrors: [], pageErrors: [], failedRequests: [] }
  context.on("console", (message) => {
    if (message.type() === "error") {
      // The query is dropped because a callback URL carries the authorization code.
      const source = message.location().url.split("?")[0] ?? ""
      problems.consoleErrors.push(source === "" ? message.text() : `${message.text()} [${source}]`)
    }
  })
  context.on("weberror", (error) => {
    problems.pageErrors.push(error.error().message)
  })
  context.on("requestfailed", (request) => {
    problems.failedRequests.push({
      method: request.method(),
      url: request.url(),
      errorText: request.failure()?.errorText ?? "unknown"
    })
  })

  const page = context.pages()[0] ?? (await context.newPage())
  const corsErrors = () => problems.consoleErrors.filter((text) => corsPattern.test(text))

  return {
    context,
    page,
    problems,
    corsErrors,
    assertNoCorsErrors: () => {
      const errors = corsErrors()
      if (errors.length > 0) {
        throw new Error(`Chromium blocked ${errors.length} request(s) by CORS:\n${errors.join("\n")}`)
      }
    },
    close: async () => {
      try {
        await context.close()
      } finally {
        await rm(userDataDir, { recursive: true, force: true })
      }
    }
  }
}

/**
 * Registers an `afterEach` hook in the calling suite and returns a function
 * that launches a session. After each test the hook closes every session the
 * test launched and fails the test if any of them saw a CORS error. Tests that
 * expect a CORS error launch with `launchChromium` and close it themselves.
 */
export const useChromium = (): () => Promise<ChromiumSession> => {
  const sessions: Array<ChromiumSession> = []

  afterEach(async () => {
    const open = sessions.splice(0)
    const corsErrors = open.flatMap((session) => session.corsErrors())
    await Promise.all(open.map((session) => session.close()))
    if (corsErrors.length > 0) {
      throw new Error(`Chromium blocked ${corsErrors.length} request(s) by CORS:\n${corsErrors.join("\n")}`)
    }
  })

  return async () => {
    const session = await launchChromium()
    sessions.push(session)
    return session
  }
}

/** Saves a full-page screenshot as `test-artifacts/<name>.png` and returns its path. */
export const saveScreenshot = async (page: Page, name: string): Promise<string> => {
  await mkdir(artifactsDir, { recursive: true })
  const path = join(artifactsDir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
