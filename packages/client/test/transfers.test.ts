import { describe, expect, it } from "vitest"
import { GraphQLError, InvalidInput, type Client } from "../src/node.js"
import { useSandbox, waitFor } from "./support.js"

const iban = "DE89370400440532013000"

describe("client.models.transfer", () => {
  const { loggedInClient, newClient, sandbox } = useSandbox({ transactions: 20, mfa: { delayMs: 50 } })

  // One MFA confirmation for the suite: later tests reuse its tokens.
  let confirmed: Promise<{ accessToken: string; refreshToken: string | undefined }> | undefined
  const confirmedClient = async (): Promise<Client> => {
    confirmed ??= loggedInClient().then((client) => client.auth.getMFAConfirmedToken())
    const { accessToken, refreshToken } = await confirmed
    const client = newClient()
    await client.auth.setToken(accessToken, refreshToken)
    return client
  }

  /** Returns the SMS code the sandbox sent for `confirmationId`. */
  const smsCode = (confirmationId: string): string => {
    const message = sandbox().sms().find((sms) => sms.confirmationId === confirmationId)
    if (message === undefined) throw new Error(`no SMS for confirmation ${confirmationId}`)
    return message.code
  }

  it("createOne and confirmOne send a transfer", async () => {
    const client = await confirmedClient()
    const before = sandbox().dataset()

    const confirmationId = await client.models.transfer.createOne({
      recipient: "Anna Berger",
      iban,
      amount: 1_234,
      purpose: "Rechnung 2024-117"
    })
    expect(typeof confirmationId).toBe("string")

    const transfer = await client.models.transfer.confirmOne(confirmationId, smsCode(confirmationId))
    expect(transfer.status).toBe("CONFIRMED")
    expect(transfer.amount).toBe(1_234)
    expect(transfer.recipient).toBe("Anna Berger")
    await waitFor("the booking", () => sandbox().dataset().count === before.count + 1)
    expect(sandbox().dataset().sumCents).toBe(before.sumCents - 1_234)
  })

  it("createOne with executeAt creates a timed order", async () => {
    const client = await confirmedClient()
    const executeAt = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString()

    const confirmationId = await client.models.transfer.createOne({ recipient: "Anna Berger", iban, amount: 500, executeAt })
    const transfer = await client.models.transfer.confirmOne(confirmationId, smsCode(confirmationId))
    expect(transfer.status).toBe("SCHEDULED")
    expect(typeof transfer.executeAt).toBe("string")
  })

  it("createMany and confirmMany send a batch", async () => {
    const client = await confirmedClient()
    const confirmationId = await client.models.transfer.createMany([
      { recipient: "Anna Berger", iban, amount: 100, purpose: "Batch 1" },
      { recipient: "Jonas Weber", iban, amount: 250, purpose: "Batch 2" }
    ])

    const batch = await client.models.transfer.confirmMany(confirmationId, smsCode(confirmationId))
    expect(typeof batch.id).toBe("string")
    expect(batch.transfers.map((transfer) => transfer.amount)).toEqual([100, 250])
  })

  it("confirmOne rejects a wrong SMS code", async () => {
    const client = await confirmedClient()
    const confirmationId = await client.models.transfer.createOne({ recipient: "Anna Berger", iban, amount: 100 })
    const wrongCode = smsCode(confirmationId) === "000000" ? "111111" : "000000"

    const error = await client.models.transfer.confirmOne(confirmationId, wrongCode).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(GraphQLError)
    expect((error as GraphQLError).type).toBe("INVALID_AUTHORIZATION_TOKEN")
  })

  it("createOne rejects an invalid IBAN before any request", async () => {
    const client = await confirmedClient()
    sandbox().clearRequests()

    const error = await client.models.transfer
      .createOne({ recipient: "Anna Berger", iban: "DE89370400440532013001", amount: 100 })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InvalidInput)
    expect((error as InvalidInput).name).toBe("InvalidInput")
    expect((error as InvalidInput).message).toContain("IBAN")
    expect(sandbox().requests()).toHaveLength(0)
  })

  it("createOne rejects euros given as a float", async () => {
    const client = await confirmedClient()
    sandbox().clearRequests()

    const error = await client.models.transfer
      .createOne({ recipient: "Anna Berger", iban, amount: 19.99 })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InvalidInput)
    expect((error as InvalidInput).message).toContain("1999")
    expect(sandbox().requests()).toHaveLength(0)
  })
})
