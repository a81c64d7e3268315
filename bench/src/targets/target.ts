/**
 * Names and messages shared by the orchestrator and the client processes:
 * the clients under test, the login setup, run results and memory snapshots.
 */

/** The clients under test; each has a module of that name in this folder. */
export const targetNames = ["raw", "sdk", "client", "official"] as const
export type TargetName = typeof targetNames[number]

/** Sandbox URL, login credentials and stream settings for one client. */
export interface Setup {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly username: string
  readonly password: string
  /** Transactions per request. */
  readonly pageSize: number
  /** The SDK's `TransactionsPage` document, which the raw loop sends as it is. */
  readonly pageDocument: string
}

/** A logged-in client. */
export interface Target {
  /** Reads every transaction of the main account, page by page, and returns how many it saw. */
  readonly streamAll: () => Promise<number>
  readonly close: () => Promise<void>
}

export type Prepare = (setup: Setup) => Promise<Target>

export interface RunResult {
  readonly milliseconds: number
  readonly transactions: number
  /** TCP connections this process opened during the run. */
  readonly connections: number
  /** Time spent in garbage collection pauses during the run, from the `gc` performance entries. */
  readonly gcMilliseconds: number
  readonly gcPauses: number
}

export interface MemorySnapshot {
  /** Resident set size now, in bytes. */
  readonly rss: number
  /** V8 heap in use after a full garbage collection, in bytes. */
  readonly heapUsed: number
  /** Highest RSS since the process started, in bytes (`process.resourceUsage().maxRSS`). */
  readonly maxRss: number
}

