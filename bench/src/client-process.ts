/**
 * Child process that runs one client under test, so that each client has a
 * heap and an RSS of its own. `process.argv[2]` names the client. The
 * orchestrator calls `prepare` once, then `stream` once per run.
 */
import { subscribe } from "node:diagnostics_channel"
import { performance, PerformanceObserver } from "node:perf_hooks"
import { serve } from "./ipc.js"
import type { MemorySnapshot, RunResult, Setup, Target, TargetName } from "./targets/target.js"
import { targetNames } from "./targets/target.js"

// Node publishes every new client socket of `net` (and so of `http`) on this channel.
let connections = 0
subscribe("net.client.socket", () => {
  connections++
})

// Node reports each garbage collection as a performance entry, asynchronously.
let gcMilliseconds = 0
let gcPauses = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMilliseconds += entry.duration
    gcPauses++
  }
}).observe({ entryTypes: ["gc"] })

/** Lets pending performance entries reach the observer. */
const flushPerformanceEntries = async () => {
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
}

const collectGarbage = (globalThis as { gc?: () => void }).gc

const snapshot = (): MemorySnapshot => {
  if (collectGarbage === undefined) {
    throw new Error("global.gc is missing: start this process with --expose-gc")
  }
  collectGarbage()
  collectGarbage()
  const usage = process.memoryUsage()
  return { rss: usage.rss, heapUsed: usage.heapUsed, maxRss: process.resourceUsage().maxRSS * 1024 }
}

const name = process.argv[2] as TargetName
if (!targetNames.includes(name)) {
  throw new Error(`Unknown client "${name}"; expected one of ${targetNames.join(", ")}`)
}

let target: Target | undefined

const requireTarget = (): Target => {
  if (target === undefined) throw new Error(`The ${name} client is not prepared; call prepare first`)
  return target
}

serve({
  prepare: async (setup: Setup) => {
    const module = await import(`./targets/${name}.js`) as { prepare: (setup: Setup) => Promise<Target> }
    target = await module.prepare(setup)
  },
  stream: async (): Promise<RunResult> => {
    const streamAll = requireTarget().streamAll
    await flushPerformanceEntries()
    const before = { connections, gcMilliseconds, gcPauses }

    const started = performance.now()
    const transactions = await streamAll()
    const milliseconds = performance.now() - started

    await flushPerformanceEntries()
    return {
      milliseconds,
      transactions,
      connections: connections - before.connections,
      gcMilliseconds: gcMilliseconds - before.gcMilliseconds,
      gcPauses: gcPauses - before.gcPauses
    }
  },
  memory: snapshot,
  close: async () => {
    await target?.close()
  }
})
