/**
 * Request and response over the IPC channel of a forked child process. The
 * orchestrator sends requests with `call`, and the child responds through
 * `serve`. Messages are plain JSON (Node's default `json` serialization).
 */
import type { ChildProcess } from "node:child_process"
import { fork } from "node:child_process"

interface RequestMessage {
  readonly id: number
  readonly method: string
  readonly params: unknown
}

type ResponseMessage =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string }

/** A child process whose methods the parent calls by name. */
export interface Peer {
  readonly process: ChildProcess
  readonly call: <A>(method: string, params?: unknown) => Promise<A>
  /** Sends `close`, then waits for the child to exit. */
  readonly close: () => Promise<void>
}

/** How long a child may take to exit after `close` before it is killed. */
const closeTimeoutMs = 10_000

// Resolved here, so the children find tsx whatever their working directory is.
const tsxLoader = import.meta.resolve("tsx")

/**
 * Forks `module` under tsx with `--expose-gc`, so the child can collect
 * garbage before it reports its heap. `nodeOptions` are added to the child's
 * Node options, such as `--cpu-prof`.
 */
export const forkPeer = (module: URL, args: ReadonlyArray<string> = [], nodeOptions: ReadonlyArray<string> = []): Peer => {
  const child = fork(module, [...args], {
    execArgv: ["--import", tsxLoader, "--expose-gc", ...nodeOptions],
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  let nextId = 1
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()

  child.on("message", (message: ResponseMessage) => {
    const waiter = pending.get(message.id)
    if (waiter === undefined) return
    pending.delete(message.id)
    if (message.ok) {
      waiter.resolve(message.result)
    } else {
      waiter.reject(new Error(message.error))
    }
  })
  child.on("exit", (code, signal) => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`${module.pathname} exited (code ${code}, signal ${signal}) before it responded`))
    }
    pending.clear()
  })

  const call = <A>(method: string, params?: unknown): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      const request: RequestMessage = { id, method, params }
      child.send(request, (error) => {
        if (error !== null) {
          pending.delete(id)
          reject(error)
        }
      })
    })

  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
    await call("close").catch(() => undefined)
    const timer = setTimeout(() => {
      console.error(`${module.pathname} (process ${child.pid}) did not exit within ${closeTimeoutMs} ms of close; killing it`)
      child.kill("SIGKILL")
    }, closeTimeoutMs)
    await exited
    clearTimeout(timer)
  }

  return { process: child, call, close }
}

/**
 * Responds to the parent's calls with `handlers`. `close` runs the handler
 * of that name, if any, and then disconnects. The child exits when the IPC
 * channel closes, whichever side closes it.
 */
export const serve = (handlers: Readonly<Record<string, (params: any) => unknown>>): void => {
  if (process.send === undefined) {
    throw new Error("This module runs as a child of bench/src/main.ts and needs its IPC channel; run `pnpm --filter @kontist/bench bench` instead")
  }
  const send = (message: ResponseMessage): Promise<void> =>
    new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()))

  // The channel also closes when the parent exits or crashes, and then no request can arrive.
  process.on("disconnect", () => process.exit())

  process.on("message", async (request: RequestMessage) => {
    const handler = handlers[request.method]
    try {
      if (handler === undefined && request.method !== "close") {
        throw new Error(`Unknown method "${request.method}"`)
      }
      const result = handler === undefined ? undefined : await handler(request.params)
      await send({ id: request.id, ok: true, result: result ?? null })
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      await send({ id: request.id, ok: false, error: text })
    }
    if (request.method === "close") {
      process.disconnect()
    }
  })
}
