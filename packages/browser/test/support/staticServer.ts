/**
 * A minimal static file server on 127.0.0.1 for the example pages, so that
 * the browser loads them from an origin other than the sandbox's and CORS
 * applies for real.
 */
import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { extname, resolve, sep } from "node:path"

export interface StaticServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string
  close(): Promise<void>
}

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png"
}

/**
 * Starts a server on an ephemeral port of 127.0.0.1. `mounts` maps URL path
 * prefixes (such as `/` or `/dist/`) to directories, and the longest matching
 * prefix wins. A path ending in `/` serves its `index.html`. Paths that leave
 * the mounted directory get 404.
 */
export const startStaticServer = async (mounts: Readonly<Record<string, string>>): Promise<StaticServer> => {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length)

  const locate = (pathname: string): string | undefined => {
    const prefix = prefixes.find((candidate) => pathname.startsWith(candidate))
    if (prefix === undefined) {
      return undefined
    }
    const root = resolve(mounts[prefix]!)
    const relative = decodeURIComponent(pathname.slice(prefix.length))
    const file = resolve(root, relative.endsWith("/") || relative === "" ? `${relative}index.html` : relative)
    return file === root || file.startsWith(root + sep) ? file : undefined
  }

  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? "/", "http://127.0.0.1").pathname
    const file = locate(pathname)
    const notFound = () => {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" })
      response.end(`Not found: ${pathname}\n`)
    }
    if (file === undefined || (request.method !== "GET" && request.method !== "HEAD")) {
      notFound()
      return
    }
    stat(file).then(
      (stats) => {
        if (!stats.isFile()) {
          notFound()
          return
        }
        response.writeHead(200, {
          "content-type": contentTypes[extname(file)] ?? "application/octet-stream",
          "content-length": stats.size,
          "cache-control": "no-store"
        })
        if (request.method === "HEAD") {
          response.end()
          return
        }
        createReadStream(file).pipe(response)
      },
      notFound
    )
  })

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen)
    server.listen(0, "127.0.0.1", () => resolveListen())
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        server.closeAllConnections()
        server.close((error) => (error === undefined ? resolveClose() : rejectClose(error)))
      })
  }
}
