/**
 * A single-page app that logs in to the Kontist API with the PKCE redirect
 * flow, shows the main account and the latest 20 transactions, and renews its
 * token silently in a hidden iframe.
 *
 * The API base URL comes from the `api` query parameter on the first visit
 * (kept in sessionStorage across the login redirect) and defaults to the
 * sandbox CLI's `http://127.0.0.1:4010`. Only loopback origins are accepted,
 * so that a deployed copy of this page cannot be pointed at another server
 * by a link and used to collect logins.
 */
import { BrowserKontist, RedirectLogin } from "@kontist/browser"
import { Accounts, Auth, Money, Transactions } from "@kontist/core"
import { Cause, DateTime, Effect, Exit, ManagedRuntime, Option } from "effect"

const baseUrlKey = "kontist-example-base-url"
const sandboxUrl = "http://127.0.0.1:4010"
const transactionCount = 20

/** The hosts of `http://127.0.0.1:*`, `http://localhost:*` and `http://[::1]:*`, as `URL.hostname` spells them. */
const loopbackHosts: ReadonlyArray<string> = ["127.0.0.1", "localhost", "[::1]"]

/** Returns the origin of `value` when it is an `http` URL on a loopback host, any port, and `undefined` otherwise. */
const loopbackOrigin = (value: string): string | undefined => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  return url.protocol === "http:" && loopbackHosts.includes(url.hostname) ? url.origin : undefined
}

interface ApiServer {
  readonly baseUrl: string
  /** The `api` query parameter when it was rejected. */
  readonly rejected: string | undefined
}

// A stored value is checked again, because sessionStorage may hold one from
// an older copy of this page.
const resolveApiServer = (): ApiServer => {
  const fromQuery = new URL(location.href).searchParams.get("api")
  const accepted = fromQuery === null ? undefined : loopbackOrigin(fromQuery)
  if (accepted !== undefined) {
    sessionStorage.setItem(baseUrlKey, accepted)
    return { baseUrl: accepted, rejected: undefined }
  }
  const stored = sessionStorage.getItem(baseUrlKey)
  const storedOrigin = stored === null ? undefined : loopbackOrigin(stored)
  return { baseUrl: storedOrigin ?? sandboxUrl, rejected: fromQuery ?? undefined }
}

const apiServer = resolveApiServer()

const MainLive = BrowserKontist.layerKontist({
  config: {
    baseUrl: apiServer.baseUrl,
    clientId: "kontist-sandbox",
    // The page itself receives the callback; the sandbox accepts any loopback URL.
    redirectUri: `${location.origin}${location.pathname}`,
    scopes: ["accounts", "transactions"]
  }
})

const runtime = ManagedRuntime.make(MainLive)

// Rendering

type PageState = "starting" | "logged-out" | "loading" | "ready" | "error"

const element = <E extends HTMLElement>(id: string): E => {
  const found = document.getElementById(id)
  if (found === null) throw new Error(`index.html has no element with id "${id}"`)
  return found as E
}

const renderApiServer = () => {
  element("api-server").textContent = apiServer.baseUrl
  const notice = element("api-notice")
  notice.hidden = apiServer.rejected === undefined
  if (apiServer.rejected !== undefined) {
    notice.textContent = `Ignored ?api=${apiServer.rejected}: this page accepts only http://127.0.0.1, ` +
      `http://localhost or http://[::1] with any port, and uses ${apiServer.baseUrl}.`
  }
}

const statusLine = element("status")
const errorLine = element("error")
const accountSection = element("account")
const buttons = {
  login: element<HTMLButtonElement>("start-login"),
  reload: element<HTMLButtonElement>("reload"),
  renew: element<HTMLButtonElement>("renew"),
  logout: element<HTMLButtonElement>("logout")
}

const render = (state: PageState, status: string) => {
  document.body.dataset["state"] = state
  statusLine.textContent = status
  const loggedIn = state === "ready" || state === "loading" || (state === "error" && !accountSection.hidden)
  buttons.login.hidden = loggedIn
  buttons.reload.hidden = !loggedIn
  buttons.renew.hidden = !loggedIn
  buttons.logout.hidden = !loggedIn
  if (state === "logged-out") accountSection.hidden = true
  if (state !== "error") errorLine.hidden = true
}

// Shows the error's tag (and OAuth2 code) in data attributes, so that a test
// or a stylesheet can tell a login_required from a network failure.
const renderFailure = (cause: Cause.Cause<unknown>) => {
  const error = Cause.squash(cause)
  const tag = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : "Defect"
  const message = error instanceof Error ? error.message : String(error)
  errorLine.dataset["tag"] = tag
  if (typeof error === "object" && error !== null && "error" in error && typeof error.error === "string") {
    errorLine.dataset["error"] = error.error
  } else {
    delete errorLine.dataset["error"]
  }
  errorLine.textContent = `${tag}: ${message}`
  errorLine.hidden = false
  render("error", "The last action failed.")
}

const renderExpiry = (expiresAt: number) => {
  element("expires-at").textContent = DateTime.formatIso(DateTime.unsafeMake(expiresAt))
}

const renderAccount = (account: Accounts.Account, page: Transactions.Page) => {
  element("iban").textContent = account.iban
  element("balance").textContent = Money.format(account.balance)

  const rows = page.items.map((transaction) => {
    const row = document.createElement("tr")
    const cells = [
      DateTime.formatIsoDateUtc(transaction.bookingDate),
      transaction.name ?? "",
      transaction.purpose ?? "",
      Money.format(transaction.amount)
    ]
    for (const text of cells) {
      const cell = document.createElement("td")
      cell.textContent = text
      row.append(cell)
    }
    row.firstElementChild?.classList.add("date")
    row.lastElementChild?.classList.add("amount", transaction.amount > 0 ? "incoming" : "outgoing")
    return row
  })
  element("transactions").replaceChildren(...rows)
  accountSection.hidden = false
}

// Programs

const showStoredExpiry = Effect.gen(function*() {
  const token = yield* Effect.flatMap(Auth.Auth, (auth) => auth.token)
  if (Option.isSome(token)) renderExpiry(token.value.expiresAt)
})

// Both requests call `Auth.accessToken` at once, so when the token has expired
// they share one silent renewal.
const loadAccount = Effect.gen(function*() {
  render("loading", "Loading the account…")
  const [account, page] = yield* Effect.all([
    Effect.flatMap(Accounts.Accounts, (accounts) => accounts.main),
    Effect.flatMap(Transactions.Transactions, (transactions) => transactions.page({ first: transactionCount }))
  ], { concurrency: "unbounded" })
  renderAccount(account, page)
  yield* showStoredExpiry
  render("ready", `Logged in. Showing the latest ${page.items.length} transactions.`)
})

const start = Effect.gen(function*() {
  if (RedirectLogin.isLoginCallback(location.href)) {
    render("loading", "Completing the login…")
    yield* RedirectLogin.completeLogin(location.href)
  }
  const token = yield* Effect.flatMap(Auth.Auth, (auth) => auth.token)
  if (Option.isNone(token)) {
    render("logged-out", "Not logged in.")
    return
  }
  yield* loadAccount
})

const renewSilently = Effect.gen(function*() {
  render("loading", "Renewing the token in a hidden iframe…")
  const renewal = yield* Auth.TokenRenewal
  const token = yield* renewal.renew
  renderExpiry(token.expiresAt)
  render("ready", "The token was renewed silently.")
})

const logout = Effect.gen(function*() {
  yield* Effect.flatMap(Auth.Auth, (auth) => auth.logout)
  render("logged-out", "Logged out.")
})

const run = <E>(program: Effect.Effect<void, E, ManagedRuntime.ManagedRuntime.Context<typeof runtime>>) =>
  runtime.runPromiseExit(program).then((exit) => {
    if (Exit.isFailure(exit)) renderFailure(exit.cause)
  })

buttons.login.addEventListener("click", () => run(RedirectLogin.redirectToLogin()))
buttons.reload.addEventListener("click", () => run(loadAccount))
buttons.renew.addEventListener("click", () => run(renewSilently))
buttons.logout.addEventListener("click", () => run(logout))

renderApiServer()
void run(start)
