/** Renders the measurements of one benchmark run as Markdown. */
import type { MicroResult } from "./micro-process.js"
import type { RequestCount } from "./sandbox-process.js"
import type { Summary } from "./stats.js"
import type { MemorySnapshot, TargetName } from "./targets/target.js"

export interface TargetReport {
  readonly name: TargetName
  /** Reason the client dropped out, if it did. */
  readonly failure: string | undefined
  /** Wall time of a full stream, over the measured runs. */
  readonly milliseconds: Summary | undefined
  readonly requests: ReadonlyArray<RequestCount>
  readonly connections: ReadonlyArray<number>
  /** Garbage collection pause time per run. */
  readonly gcMilliseconds: Summary | undefined
  /** Garbage collections per run. */
  readonly gcPauses: Summary | undefined
  /** After login, before the first stream. */
  readonly baseline: MemorySnapshot | undefined
  /** After the last measured stream. */
  readonly final: MemorySnapshot | undefined
}

export interface Measurements {
  readonly date: string
  readonly node: string
  readonly cpus: number
  readonly cpuModel: string
  /** Bytes. */
  readonly totalMemory: number
  /** One-minute load averages (`os.loadavg()`), plus the highest one-minute value sampled between rounds. */
  readonly load: { readonly atStart: ReadonlyArray<number>; readonly atEnd: ReadonlyArray<number>; readonly maxOneMinute: number }
  readonly transactions: number
  readonly pageSize: number
  readonly warmup: number
  readonly runs: number
  readonly targets: ReadonlyArray<TargetReport>
  readonly micro: ReadonlyArray<MicroResult>
}

const labels: Readonly<Record<TargetName, string>> = {
  raw: "raw `node:http` loop",
  sdk: "`@kontist/core` + `@kontist/node`",
  client: "`@kontist/client`",
  official: "`kontist` 0.48.4"
}

const milliseconds = (value: number): string => value.toFixed(0)

const mebibytes = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)

const signedMebibytes = (bytes: number): string => `${bytes >= 0 ? "+" : ""}${mebibytes(bytes)}`

/** Lists the distinct values of `values`, such as "100" or "100, 101". */
const distinct = (values: ReadonlyArray<number>): string =>
  values.length === 0 ? "-" : [...new Set(values)].sort((a, b) => a - b).join(", ")

const loads = (values: ReadonlyArray<number>): string => values.map((value) => value.toFixed(2)).join(" ")

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n")

const streamTable = (measurements: Measurements): string => {
  const floor = measurements.targets.find((target) => target.name === "raw")?.milliseconds?.median
  const rows = measurements.targets.flatMap((target) => {
    const time = target.milliseconds
    if (time === undefined) return []
    return [[
      labels[target.name],
      milliseconds(time.median),
      `${milliseconds(time.q1)}–${milliseconds(time.q3)}`,
      `${milliseconds(time.min)}–${milliseconds(time.max)}`,
      floor === undefined ? "-" : `${(time.median / floor).toFixed(2)}×`,
      (measurements.transactions / (time.median / 1000)).toFixed(0),
      distinct(target.requests.map((count) => count.total)),
      distinct(target.requests.map((count) => count.graphql)),
      distinct(target.connections)
    ]]
  })
  return table(
    [
      "client",
      "median ms",
      "q1–q3 ms",
      "min–max ms",
      "median / raw",
      "transactions/s",
      "requests per run",
      "of them GraphQL",
      "new TCP connections per run"
    ],
    rows
  )
}

const memoryTable = (measurements: Measurements): string => {
  const rows = measurements.targets.flatMap((target) => {
    const { baseline, final, gcMilliseconds, gcPauses } = target
    if (baseline === undefined || final === undefined || gcMilliseconds === undefined || gcPauses === undefined) return []
    return [[
      labels[target.name],
      `${gcMilliseconds.median.toFixed(0)} (${gcPauses.median.toFixed(0)})`,
      mebibytes(baseline.rss),
      mebibytes(final.maxRss),
      signedMebibytes(final.maxRss - baseline.rss),
      mebibytes(baseline.heapUsed),
      signedMebibytes(final.heapUsed - baseline.heapUsed)
    ]]
  })
  return table(
    [
      "client",
      "GC ms per run (collections), median",
      "RSS after login MiB",
      "peak RSS MiB",
      "peak − after login MiB",
      "heap after login MiB",
      "heap growth after all runs MiB"
    ],
    rows
  )
}

const microTable = (results: ReadonlyArray<MicroResult>): string =>
  table(
    ["case", "result", "median calls/s", "µs per call (median)", "min–max calls/s", "calls per batch"],
    results.map((result) => [
      result.name,
      result.succeeded ? "succeeds" : "fails",
      Math.round(result.callsPerSecond.median).toLocaleString("en-US"),
      (1e6 / result.callsPerSecond.median).toFixed(2),
      `${Math.round(result.callsPerSecond.min).toLocaleString("en-US")}–${Math.round(result.callsPerSecond.max).toLocaleString("en-US")}`,
      result.callsPerBatch.toLocaleString("en-US")
    ])
  )

export const renderReport = (measurements: Measurements): string => {
  const sections = [
    `Run ${measurements.date}, Node ${measurements.node}, ${measurements.cpus} × ${measurements.cpuModel}, ${
      mebibytes(measurements.totalMemory)
    } MiB RAM. Load average (1, 5, 15 min): ${loads(measurements.load.atStart)} at the start, ${
      loads(measurements.load.atEnd)
    } at the end, highest one-minute value ${measurements.load.maxOneMinute.toFixed(2)}.`,
    `Full stream of ${measurements.transactions} transactions, page size ${measurements.pageSize}: ${measurements.warmup} warm-up and ${measurements.runs} measured runs per client.`,
    streamTable(measurements),
    "Memory of each client process (garbage collected before each reading, except for the peak RSS):",
    memoryTable(measurements)
  ]
  if (measurements.micro.length > 0) {
    sections.push("Micro-benchmarks (one process, no I/O):", microTable(measurements.micro))
  }
  const failures = measurements.targets.filter((target) => target.failure !== undefined)
  if (failures.length > 0) {
    sections.push(
      "Clients that dropped out:",
      failures.map((target) => `- ${labels[target.name]}: ${target.failure}`).join("\n")
    )
  }
  return sections.join("\n\n")
}
