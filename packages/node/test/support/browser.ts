/**
 * A scripted browser for the sandbox's login form, built on fetch: it loads
 * the authorization URL, posts the form with the credentials and hidden
 * fields, and follows the redirect to the application's redirect URI.
 */
import { Effect } from "effect"

export interface BrowserVisit {
  /** Status of the form submission: a redirect (302) after a successful login. */
  readonly submitStatus: number
  /** The `location` of the redirect, or undefined when the form was shown again. */
  readonly location: string | undefined
  /** Status and body of the page at `location`, when the browser followed it. */
  readonly landing: { readonly status: number; readonly body: string } | undefined
}

const decodeEntities = (text: string) =>
  text.replaceAll("&quot;", "\"").replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll(
    "&amp;",
    "&"
  )

const attribute = (tag: string, name: string) => {
  const value = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag)?.[1]
  return value === undefined ? undefined : decodeEntities(value)
}

export const logInThroughForm = (
  authorizationUrl: string,
  credentials: { readonly username: string; readonly password: string }
): Effect.Effect<BrowserVisit> =>
  Effect.promise(async () => {
    const formPage = await fetch(authorizationUrl)
    const html = await formPage.text()
    const form = /<form\b[^>]*>/i.exec(html)?.[0]
    if (formPage.status !== 200 || form === undefined) {
      throw new Error(`GET ${authorizationUrl} returned HTTP ${formPage.status} without a form: ${html}`)
    }

    const fields = new URLSearchParams()
    for (const [input] of html.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input, "name")
      if (attribute(input, "type") === "hidden" && name !== undefined) {
        fields.append(name, attribute(input, "value") ?? "")
      }
    }
    fields.set("username", credentials.username)
    fields.set("password", credentials.password)

    const action = new URL(attribute(form, "action") ?? authorizationUrl, authorizationUrl)
    const submitted = await fetch(action, { method: "POST", body: fields, redirect: "manual" })
    await submitted.arrayBuffer()
    const location = submitted.headers.get("location") ?? undefined
    if (location === undefined) {
      return { submitStatus: submitted.status, location, landing: undefined }
    }

    const landing = await fetch(new URL(location, action))
    return { submitStatus: submitted.status, location, landing: { status: landing.status, body: await landing.text() } }
  })
