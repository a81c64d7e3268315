import { describe, expect, layer } from "@effect/vitest"
import { demo, Sandbox } from "@kontist/sandbox"
import { Effect } from "effect"
import { Accounts } from "../src/Accounts.js"
import * as Iban from "../src/Iban.js"
import * as SandboxKontist from "./utils/SandboxKontist.js"

describe("Accounts against the sandbox", () => {
  layer(SandboxKontist.layer({ transactions: 50 }), { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect("main returns IBAN, BIC and balances", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const sandbox = yield* Sandbox
        const accounts = yield* Accounts

        const account = yield* accounts.main

        expect(Iban.isValid(account.iban)).toBe(true)
        expect(account.bic.length).toBeGreaterThanOrEqual(8)
        expect(account.balance).toBe(sandbox.dataset().balanceCents)
        expect(Number.isSafeInteger(account.availableBalance)).toBe(true)
      }))

    it.effect("viewer returns the user", () =>
      Effect.gen(function*() {
        yield* SandboxKontist.login
        const accounts = yield* Accounts

        const user = yield* accounts.viewer

        expect(user.email).toBe(demo.username)
        expect(user.publicId.length).toBeGreaterThan(0)
      }))
  })
})
