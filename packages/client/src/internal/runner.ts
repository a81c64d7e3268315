/**
 * Runs effects on the client's `ManagedRuntime` and turns their exits into
 * settled promises whose rejection is the typed error itself.
 */
import { MFAConfirmationCanceled } from "@kontist/core/KontistError"
import { Cause, type Chunk, Effect, Exit, Fiber, type Layer, ManagedRuntime, Option, Scope, Stream } from "effect"
import { ClientDisposed, MFAConfirmationCanceledError, OperationInterrupted } from "../Errors.js"

export class Runner<R, LayerError> {
  private readonly runtime: ManagedRuntime.ManagedRuntime<R, LayerError>
  private readonly fibers = new Set<Fiber.RuntimeFiber<unknown, unknown>>()
  private disposed = false
  private disposal: Promise<void> | undefined
  /** The last call that writes the stored token. Every later call waits for it to settle. */
  private pendingWrite: Promise<unknown> = Promise.resolve()

  /** Builds `layer` on the first call. If building fails, every call rejects with the layer's error. */
  constructor(layer: Layer.Layer<R, LayerError>) {
    this.runtime = ManagedRuntime.make(layer)
  }

  /**
   * Runs `effect` and resolves with its value, or rejects with the error it
   * failed with (see `toRejection`).
   */
  run<A, E>(operation: string, effect: Effect.Effect<A, E, R>): Promise<A> {
    const previousWrite = this.pendingWrite
    return previousWrite.then(
      () => this.start(operation, effect),
      () => this.start(operation, effect)
    )
  }

  /**
   * Runs `effect` like `run`, and makes every call started later wait until
   * it settles. Token writes use it, so that a classic caller who does not
   * await `setToken` still sends the next request with the new token.
   */
  runWrite<A, E>(operation: string, effect: Effect.Effect<A, E, R>): Promise<A> {
    const result = this.run(operation, effect)
    this.pendingWrite = result
    return result
  }

  /**
   * Iterates over `stream`, pulling one chunk per `run` call, so that only
   * the current chunk is in memory and nothing is requested before the
   * caller asks for it. Each pull rejects like `run`. The stream's scope is
   * closed when the loop ends, also when it ends early with `break`,
   * `return` or a thrown error.
   */
  async *iterate<A, E>(operation: string, stream: Stream.Stream<A, E, R>): AsyncGenerator<A, void, undefined> {
    const scope = Effect.runSync(Scope.make())
    try {
      const pull = await this.run(operation, Scope.extend(Stream.toPull(stream), scope))
      // The pull fails with `None` at the end of the stream and `Some` on an error.
      const nextChunk: Effect.Effect<Chunk.Chunk<A> | undefined, E, R> = Effect.catchAll(
        pull,
        Option.match({ onNone: () => Effect.succeed(undefined), onSome: Effect.fail })
      )
      while (true) {
        const chunk = await this.run(operation, nextChunk)
        if (chunk === undefined) return
        yield* chunk
      }
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }

  /**
   * Starts `effect` in the background, after any pending token write, and
   * calls `onFailure` with the rejection error if it fails. The returned
   * `interrupt` (or `dispose`) stops it without calling `onFailure`.
   */
  fork<E>(
    operation: string,
    effect: Effect.Effect<void, E, R>,
    onFailure: (error: unknown) => void
  ): { readonly interrupt: () => void } {
    if (this.disposed) {
      throw new ClientDisposed({ operation })
    }

    let fiber: Fiber.RuntimeFiber<void, E | LayerError> | undefined
    let interrupted = false
    const startFiber = () => {
      if (interrupted || this.disposed) return
      fiber = this.track(this.runtime.runFork(effect), (exit) => {
        if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
          onFailure(this.toRejection(operation, exit.cause))
        }
      })
    }
    this.pendingWrite.then(startFiber, startFiber)

    return {
      interrupt: () => {
        interrupted = true
        fiber?.unsafeInterruptAsFork(fiber.id())
      }
    }
  }

  /**
   * Interrupts every running call and subscription (their promises reject
   * with `ClientDisposed`) and releases the runtime's resources. Calling it
   * again returns the same promise.
   */
  dispose(): Promise<void> {
    if (this.disposal === undefined) {
      this.disposed = true
      const fibers = Array.from(this.fibers)
      this.disposal = Effect.runPromise(Fiber.interruptAll(fibers)).then(() => this.runtime.dispose())
    }
    return this.disposal
  }

  private start<A, E>(operation: string, effect: Effect.Effect<A, E, R>): Promise<A> {
    if (this.disposed) {
      return Promise.reject(new ClientDisposed({ operation }))
    }
    return new Promise<A>((resolve, reject) => {
      this.track(this.runtime.runFork(effect), (exit) => {
        if (Exit.isSuccess(exit)) {
          resolve(exit.value)
        } else {
          reject(this.toRejection(operation, exit.cause))
        }
      })
    })
  }

  private track<A, E>(
    fiber: Fiber.RuntimeFiber<A, E>,
    onExit: (exit: Exit.Exit<A, E>) => void
  ): Fiber.RuntimeFiber<A, E> {
    this.fibers.add(fiber)
    fiber.addObserver((exit) => {
      this.fibers.delete(fiber)
      onExit(exit)
    })
    return fiber
  }

  /**
   * Picks the error a promise rejects with: the typed failure itself
   * (`Cause.squash` prefers failures over defects over interruptions),
   * `ClientDisposed` or `OperationInterrupted` for an interruption, and the
   * classic-named subclass for a cancelled MFA wait.
   */
  private toRejection(operation: string, cause: Cause.Cause<unknown>): unknown {
    if (Cause.isInterruptedOnly(cause)) {
      return this.disposed ? new ClientDisposed({ operation }) : new OperationInterrupted({ operation })
    }

    const error = Cause.squash(cause)
    if (error instanceof MFAConfirmationCanceled && !(error instanceof MFAConfirmationCanceledError)) {
      return new MFAConfirmationCanceledError()
    }
    // ManagedRuntime dies with this string when a call reaches a disposed runtime.
    if (this.disposed && Cause.isDie(cause) && !(error instanceof Error)) {
      return new ClientDisposed({ operation })
    }
    if (error instanceof Error) {
      return error
    }
    return new Error(`${operation} failed with a non-Error value: ${String(error)}`, { cause: error })
  }
}
