/**
 * Plays the user's browser against the sandbox: submits its login form and
 * reads the SMS outbox. Only the sandbox has these pages and endpoints.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Data, Effect, Option, Redacted, Ref, Schema } from "effect"
import * as Cookies from "@effect/platform/Cookies"

/** The sandbox did not behave like the browser flow expects. */
export class SandboxBrowserError extends Data.TaggedError("SandboxBrowserError")<{
  readonly message: string
}> {}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }

const decodeEntities = (text: string) =>
  text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16))
    if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10))
    return entities[name.toLowerCase()] ?? entity
  })

const attribute = (tag: string, name: string) =>
  Option.fromNullable(new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag)?.[1]).pipe(Option.map(decodeEntities))

/** Reads the first form's action and its hidden fields, as a browser would submit them. */
export const parseLoginForm = (html: string, pageUrl: string) => {
  const form = /<form\b[^>]*>/i.exec(html)?.[0]
  if (form === undefined) return Option.none()

  const action = new URL(Option.getOrElse(attribute(form, "action"), () => pageUrl), pageUrl).href
  const hidden: Array<[string, string]> = []
  for (const [input] of html.matchAll(/<input\b[^>]*>/gi)) {
    if (Option.getOrUndefined(attribute(input, "type"))?.toLowerCase() !== "hidden") continue
    const name = attribute(input, "name")
    if (Option.isSome(name)) hidden.push([name.value, Option.getOrElse(attribute(input, "value"), () => "")])
  }
  return Option.some({ action, hidden })
}

const errorOnPage = (html: string) =>
  Option.getOrElse(
    Option.map(Option.fromNullable(/<p id="error"[^>]*>([^<]*)<\/p>/i.exec(html)?.[1]), decodeEntities),
    () => "no error message on the page"
  )

/**
 * Opens `authorizationUrl`, submits the login form with the credentials and
 * returns the redirect target (`location`), which carries `code` and `state`.
 * Cookies set by the form page are sent back with the submission.
 */
export const submitLoginForm = (
  authorizationUrl: string,
  credentials: { readonly username: string; readonly password: Redacted.Redacted<string> }
) =>
  Effect.gen(function*() {
    const cookies = yield* Ref.make(Cookies.empty)
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.withCookiesRef(cookies))

    const formPage = yield* client.get(authorizationUrl)
    const formHtml = yield* formPage.text
    const form = parseLoginForm(formHtml, authorizationUrl)
    if (formPage.status !== 200 || Option.isNone(form)) {
      return yield* new SandboxBrowserError({
        message: `GET ${authorizationUrl} returned HTTP ${formPage.status} without a login form: ${errorOnPage(formHtml)}`
      })
    }

    const fields: Array<readonly [string, string]> = [
      ...form.value.hidden,
      ["username", credentials.username],
      ["password", Redacted.value(credentials.password)]
    ]
    const submitted = yield* client.execute(
      HttpClientRequest.post(form.value.action).pipe(HttpClientRequest.bodyUrlParams(fields))
    )
    const location = submitted.headers["location"]
    if (submitted.status < 300 || submitted.status > 399 || location === undefined) {
      const page = yield* submitted.text
      return yield* new SandboxBrowserError({
        message: `POST ${form.value.action} returned HTTP ${submitted.status} instead of a redirect: ${errorOnPage(page)}`
      })
    }
    return new URL(location, form.value.action).href
  }).pipe(
    Effect.scoped,
    Effect.catchTags({
      RequestError: (error) => new SandboxBrowserError({ message: `The sandbox login failed: ${error.message}` }),
      ResponseError: (error) => new SandboxBrowserError({ message: `The sandbox login failed: ${error.message}` })
    })
  )

const SmsMessages = Schema.Array(Schema.Struct({
  confirmationId: Schema.String,
  code: Schema.Redacted(Schema.String),
  createdAt: Schema.String
}))

/** Reads the SMS code for `confirmationId` from the sandbox outbox at `GET /sandbox/sms`. */
export const smsCode = (baseUrl: string, confirmationId: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const messages = yield* client.get(`${baseUrl}/sandbox/sms`).pipe(
      Effect.flatMap(HttpClientResponse.filterStatusOk),
      Effect.flatMap(HttpClientResponse.schemaBodyJson(SmsMessages)),
      Effect.scoped
    )
    const message = [...messages].reverse().find((sms) => sms.confirmationId === confirmationId)
    if (message === undefined) {
      return yield* new SandboxBrowserError({ message: `The sandbox outbox has no SMS for confirmation ${confirmationId}` })
    }
    return message.code
  }).pipe(
    Effect.catchTags({
      RequestError: (error) => new SandboxBrowserError({ message: `Reading the SMS outbox failed: ${error.message}` }),
      ResponseError: (error) => new SandboxBrowserError({ message: `Reading the SMS outbox failed: ${error.message}` }),
      // The parse error's message quotes the values, which include SMS codes.
      ParseError: () => new SandboxBrowserError({ message: "The SMS outbox returned a body that is not a list of messages" })
    })
  )
