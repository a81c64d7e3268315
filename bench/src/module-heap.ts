/**
 * `pnpm --filter @kontist/bench module-heap [-- specifier ...]`
 *
 * Imports modules one after another in this process and prints the heap in
 * use (after a full garbage collection) and the RSS after each import. This
 * splits the memory a client needs before its first request by package.
 * Each row adds only what the earlier rows did not load, so the order
 * matters.
 */
import { performance } from "node:perf_hooks"

const defaultSpecifiers = [
  "effect",
  "@effect/platform/HttpClient",
  "@effect/platform-node/NodeHttpClient",
  "@effect/platform",
  "@kontist/core",
  "@kontist/node",
  "@kontist/client/node"
]

const collectGarbage = (globalThis as { gc?: () => void }).gc
if (collectGarbage === undefined) {
  throw new Error("global.gc is missing: start this script with --expose-gc, as the module-heap package script does")
}

const mebibytes = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)

const signedMebibytes = (bytes: number): string => `${bytes >= 0 ? "+" : ""}${mebibytes(bytes)}`

const measure = () => {
  collectGarbage()
  collectGarbage()
  const usage = process.memoryUsage()
  return { heapUsed: usage.heapUsed, rss: usage.rss }
}

const specifiers = process.argv.slice(2).filter((arg) => arg !== "--")
const rows: Array<ReadonlyArray<string>> = []
let previous = measure()
rows.push(["(Node and tsx)", "-", mebibytes(previous.heapUsed), "-", mebibytes(previous.rss), "-"])

for (const specifier of specifiers.length === 0 ? defaultSpecifiers : specifiers) {
  const started = performance.now()
  await import(specifier)
  const milliseconds = performance.now() - started
  const current = measure()
  rows.push([
    `\`${specifier}\``,
    milliseconds.toFixed(0),
    mebibytes(current.heapUsed),
    signedMebibytes(current.heapUsed - previous.heapUsed),
    mebibytes(current.rss),
    signedMebibytes(current.rss - previous.rss)
  ])
  previous = current
}

const header = ["import", "import ms", "heap MiB", "heap added MiB", "RSS MiB", "RSS added MiB"]
console.log([header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n"))
