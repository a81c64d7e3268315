/**
 * A fake authorization server for the silent renewal tests, on two ports of
 * 127.0.0.1 and so two origins: `apiUrl` plays the API, `otherUrl` a
 * third-party site.
 *
 * `GET {apiUrl}/api/oauth/authorize` redirects the iframe to `/forge` on the
 * origin that `forgeFrom` selects. That page posts a well-formed
 * `web_message` response with the request's state and the code `forged` to
 * its parent every 20 ms. The message comes from the iframe's own window, so
 * the two cases differ only in their origin. `POST {apiUrl}/api/oauth/token`
 * rejects every code with `invalid_grant` and counts the requests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export interface ForgingServer {
  readonly apiUrl: string
  readonly otherUrl: string
  /** The origin whose `/forge` page the authorize endpoint redirects to. Defaults to `other`. */
  forgeFrom: "api" | "other"
  /** Token requests received since the start or the last `clearRequests()`. */
  tokenRequests(): number
  clearRequests(): void
  close(): Promise<void>
}

const forgePage = `<!doctype html><html><head><meta charset="utf-8"><title>forge</title></head><body><script>
  const state = new URLSearchParams(location.search).get("state")
  const post = () => parent.postMessage({ response: { code: "forged", state } }, "*")
  post()
  setInterval(post, 20)
</script></body></html>`

const listen = async (handler: (request: IncomingMessage, response: ServerResponse) => void) => {
  const server = createServer(handler)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

/** Starts both servers. `pageOrigin` is the test page's origin, which gets CORS headers for the token endpoint. */
export const startForgingServer = async (pageOrigin: string): Promise<ForgingServer> => {
  let tokenRequests = 0

  const serveForgePage = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (new URL(request.url ?? "/", "http://127.0.0.1").pathname !== "/forge") return false
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" })
    response.end(forgePage)
    return true
  }

  const other = await listen((request, response) => {
    if (serveForgePage(request, response)) return
    response.writeHead(404).end()
  })

  const state: { forgeFrom: "api" | "other" } = { forgeFrom: "other" }
  const api = await listen((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1")
    if (serveForgePage(request, response)) return

    if (url.pathname === "/api/oauth/authorize") {
      const target = new URL("/forge", state.forgeFrom === "api" ? api.url : other.url)
      target.searchParams.set("state", url.searchParams.get("state") ?? "")
      response.writeHead(302, { location: target.href }).end()
      return
    }

    if (url.pathname === "/api/oauth/token") {
      const cors = { "access-control-allow-origin": pageOrigin, "access-control-allow-headers": "content-type, accept" }
      if (request.method === "OPTIONS") {
        response.writeHead(204, { ...cors, "access-control-allow-methods": "POST" }).end()
        return
      }
      tokenRequests += 1
      request.resume()
      response.writeHead(400, { ...cors, "content-type": "application/json" })
      response.end(JSON.stringify({ error: "invalid_grant", error_description: "the code is not valid" }))
      return
    }

    response.writeHead(404).end()
  })

  return {
    apiUrl: api.url,
    otherUrl: other.url,
    get forgeFrom() {
      return state.forgeFrom
    },
    set forgeFrom(value) {
      state.forgeFrom = value
    },
    tokenRequests: () => tokenRequests,
    clearRequests: () => {
      tokenRequests = 0
    },
    close: async () => {
      await close(api.server)
      await close(other.server)
    }
  }
}
