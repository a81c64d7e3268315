/**
 * `pnpm --filter @kontist/bench bench [-- options]`
 *
 * Streams every transaction of a sandbox with four clients and compares
 * them in one run: a raw `node:http` loop (the floor), the Effect SDK, the
 * Promise client and the official `kontist` package. The sandbox and each
 * client run in child processes of their own. Prints a Markdown report.
 */
import { writeFile } from "node:fs/promises"
import { cpus, loadavg, totalmem } from "node:os"
import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { documents } from "@kontist/core/Transactions"
import { forkPeer, type Peer } from "./ipc.js"
import type { MicroResult } from "./micro-process.js"
import { type Measurements, renderReport, type TargetReport } from "./report.js"
import type { RequestCount, SandboxInfo } from "./sandbox-process.js"
import { summarize } from "./stats.js"
import { type MemorySnapshot, type RunResult, type Setup, type TargetName, targetNames } from "./targets/target.js"

const usage = `Usage: pnpm --filter @kontist/bench bench [-- options]

Options:
  --runs <number>          measured full streams per client (default 20)
  --warmup <number>        unmeasured full streams per client before them (default 5)
  --transactions <number>  transactions in the sandbox's data set (default 5000)
  --page-size <number>     transactions per request, 1 to 50 (default 50)
  --clients <list>         comma-separated subset of ${targetNames.join(",")} (default all)
  --skip-micro             leave out the validation micro-benchmarks
  --json <file>            also write the measurements as JSON to this file
  --cpu-prof-dir <dir>     write V8 CPU profiles of each client process into <dir>/<client>/
  --help                   print this help`

// A fixed end of the data set's period, so every run streams the same transactions.
const datasetEnd = "2025-01-01T00:00:00.000Z"

const parseInteger = (name: string, text: string, min: number, max: number): number => {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    console.error(`--${name} must be an integer from ${min} to ${max}, got "${text}"\n\n${usage}`)
    process.exit(2)
  }
  return value
}

const parseOptions = () => {
  let values
  try {
    values = parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== "--"),
      options: {
        runs: { type: "string", default: "20" },
        warmup: { type: "string", default: "5" },
        transactions: { type: "string", default: "5000" },
        "page-size": { type: "string", default: "50" },
        clients: { type: "string", default: targetNames.join(",") },
        "skip-micro": { type: "boolean", default: false },
        json: { type: "string" },
        "cpu-prof-dir": { type: "string" },
        help: { type: "boolean", default: false }
      },
      strict: true
    }).values
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`)
    process.exit(2)
  }
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const clients = values.clients.split(",").map((name) => name.trim()).filter((name) => name !== "")
  const unknown = clients.filter((name) => !(targetNames as ReadonlyArray<string>).includes(name))
  if (unknown.length > 0 || clients.length === 0) {
    console.error(`--clients must list some of ${targetNames.join(", ")}, got "${values.clients}"\n\n${usage}`)
    process.exit(2)
  }
  return {
    runs: parseInteger("runs", values.runs, 1, 1_000),
    warmup: parseInteger("warmup", values.warmup, 0, 1_000),
    transactions: parseInteger("transactions", values.transactions, 1, 1_000_000),
    pageSize: parseInteger("page-size", values["page-size"], 1, 50),
    clients: clients as ReadonlyArray<TargetName>,
    skipMicro: values["skip-micro"],
    json: values.json,
    cpuProfileDirectory: values["cpu-prof-dir"]
  }
}

interface Contender {
  readonly name: TargetName
  readonly peer: Peer
  readonly runs: Array<RunResult & { readonly requests: RequestCount }>
  baseline?: MemorySnapshot
  final?: MemorySnapshot
  failure?: string
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Runs one full stream of `contender` and checks that it saw the whole data set. */
const runOnce = async (sandbox: Peer, contender: Contender, expected: number) => {
  await sandbox.call("clearRequests")
  const result = await contender.peer.call<RunResult>("stream")
  const requests = await sandbox.call<RequestCount>("countRequests")
  if (result.transactions !== expected) {
    throw new Error(`streamed ${result.transactions} transactions, expected ${expected}`)
  }
  return { ...result, requests }
}

const main = async () => {
  const options = parseOptions()
  const loadAtStart = loadavg()
  let maxLoad = loadAtStart[0]!
  const sampleLoad = () => {
    maxLoad = Math.max(maxLoad, loadavg()[0]!)
  }

  const sandbox = forkPeer(new URL("./sandbox-process.ts", import.meta.url), [String(options.transactions), datasetEnd])
  const info = await sandbox.call<SandboxInfo>("info")
  console.error(`Sandbox (child process ${sandbox.process.pid}) at ${info.url} with ${info.dataset.count} transactions`)

  const setup: Setup = { baseUrl: info.url, ...info.credentials, pageSize: options.pageSize, pageDocument: documents.page }

  const contenders: Array<Contender> = options.clients.map((name) => ({
    name,
    peer: forkPeer(
      new URL("./client-process.ts", import.meta.url),
      [name],
      // One directory per client, because Node writes one profile per thread
      // (tsx runs its module hooks on a thread of their own) under default names.
      options.cpuProfileDirectory === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", resolve(options.cpuProfileDirectory, name)]
    ),
    runs: []
  }))

  const fail = async (contender: Contender, phase: string, error: unknown) => {
    contender.failure = `${phase}: ${errorText(error)}`
    console.error(`${contender.name} failed during ${contender.failure}`)
    await contender.peer.close()
  }

  for (const contender of contenders) {
    try {
      await contender.peer.call("prepare", setup)
      contender.baseline = await contender.peer.call<MemorySnapshot>("memory")
    } catch (error) {
      await fail(contender, "login", error)
    }
  }

  // Rounds visit every client once, in an order that rotates, so that a
  // change in machine load during the run spreads over all clients.
  const rounds = options.warmup + options.runs
  for (let round = 0; round < rounds; round++) {
    const measured = round >= options.warmup
    sampleLoad()
    const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]!)
    for (const contender of order) {
      if (contender.failure !== undefined) continue
      try {
        const run = await runOnce(sandbox, contender, info.dataset.count)
        if (measured) contender.runs.push(run)
      } catch (error) {
        await fail(contender, measured ? `run ${round - options.warmup + 1}` : `warm-up run ${round + 1}`, error)
      }
    }
    console.error(`Round ${round + 1} of ${rounds} (${measured ? "measured" : "warm-up"}) done`)
  }

  for (const contender of contenders) {
    if (contender.failure !== undefined) continue
    contender.final = await contender.peer.call<MemorySnapshot>("memory")
    await contender.peer.close()
  }

  let micro: ReadonlyArray<MicroResult> = []
  if (options.skipMicro) {
    await sandbox.close()
  } else {
    const microPeer = forkPeer(new URL("./micro-process.ts", import.meta.url))
    await microPeer.call("loadPage", setup)
    await sandbox.close()
    sampleLoad()
    micro = await microPeer.call<ReadonlyArray<MicroResult>>("run", { batches: 9, batchMilliseconds: 100 })
    await microPeer.close()
  }
  sampleLoad()

  const targets: Array<TargetReport> = contenders.map((contender) => ({
    name: contender.name,
    failure: contender.failure,
    milliseconds: contender.runs.length === 0 ? undefined : summarize(contender.runs.map((run) => run.milliseconds)),
    requests: contender.runs.map((run) => run.requests),
    connections: contender.runs.map((run) => run.connections),
    gcMilliseconds: contender.runs.length === 0 ? undefined : summarize(contender.runs.map((run) => run.gcMilliseconds)),
    gcPauses: contender.runs.length === 0 ? undefined : summarize(contender.runs.map((run) => run.gcPauses)),
    baseline: contender.baseline,
    final: contender.final
  }))
  const measurements: Measurements = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    totalMemory: totalmem(),
    load: { atStart: loadAtStart, atEnd: loadavg(), maxOneMinute: maxLoad },
    transactions: info.dataset.count,
    pageSize: options.pageSize,
    warmup: options.warmup,
    runs: options.runs,
    targets,
    micro
  }

  console.log(renderReport(measurements))
  if (options.json !== undefined) {
    await writeFile(options.json, `${JSON.stringify(measurements, null, 2)}\n`)
  }
  if (targets.some((target) => target.failure !== undefined)) {
    process.exitCode = 1
  }
}

await main()
