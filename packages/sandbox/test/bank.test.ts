import { beforeAll, describe, expect, it } from "vitest"
import * as Bank from "../src/Bank.js"
import { BankError, type TransactionRecord } from "../src/Bank.js"
import { isValidIban } from "../src/Dataset.js"

const now = new Date("2025-06-30T12:00:00.000Z")
const validIban = "DE89370400440532013000"
const transfer = { recipient: "Max Mustermann", iban: validIban, amount: 1234, purpose: "Rechnung RE-2025-0412" }

/** Fails unless `run` throws a BankError of `type`; returns it for further checks. */
const expectBankError = (run: () => unknown, type: string): BankError => {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(BankError)
    expect((error as BankError).type).toBe(type)
    return error as BankError
  }
  throw new Error(`expected a BankError of type ${type}, but nothing was thrown`)
}

/** Reads every page forward with `first: pageSize` and returns the ids in order. */
const readForward = (bank: Bank.Bank, pageSize: number, filter?: Bank.TransactionFilter): Array<string> => {
  const ids: Array<string> = []
  let after: string | null = null
  for (;;) {
    const page = bank.transactionPage(filter, { first: pageSize, after })
    expect(page.edges.length).toBeLessThanOrEqual(pageSize)
    ids.push(...page.edges.map((edge) => edge.node.id))
    if (!page.pageInfo.hasNextPage) return ids
    after = page.pageInfo.endCursor
  }
}

/** Reads every page backward with `last: pageSize` and returns the ids newest first. */
const readBackward = (bank: Bank.Bank, pageSize: number): Array<string> => {
  const pages: Array<Array<string>> = []
  let before: string | null = null
  for (;;) {
    const page = bank.transactionPage(undefined, { last: pageSize, before })
    pages.unshift(page.edges.map((edge) => edge.node.id))
    if (!page.pageInfo.hasPreviousPage) return pages.flat()
    before = page.pageInfo.startCursor
  }
}

const nextPublished = (bank: Bank.Bank): Promise<TransactionRecord> =>
  new Promise((resolve) => {
    const unsubscribe = bank.onTransaction((transaction) => {
      unsubscribe()
      resolve(transaction)
    })
  })

const latestCode = (bank: Bank.Bank, confirmationId: string): string => {
  const message = bank.sms().find((sms) => sms.confirmationId === confirmationId)
  if (message === undefined) throw new Error(`no SMS for ${confirmationId}`)
  return message.code
}

describe("Bank account", () => {
  it("belongs to Lena Schulz with a valid IBAN", () => {
    const bank = Bank.make({ transactions: 10, now })
    expect(bank.user.email).toBe("lena.schulz@example.com")
    expect(`${bank.user.firstName} ${bank.user.lastName}`).toBe("Lena Schulz")
    expect(bank.user.city).toBe("Berlin")
    expect(isValidIban(bank.account.iban)).toBe(true)
    expect(bank.account.bic).toBe("SOBKDEBBXXX")
  })

  it("reports dataset totals and balance", () => {
    const bank = Bank.make({ transactions: 300, now })
    const sum = bank.transactions().reduce((total, t) => total + t.amount, 0)
    expect(bank.dataset()).toEqual({
      count: 300,
      sumCents: sum,
      balanceCents: bank.initialDataset.openingBalanceCents + sum
    })
    expect(bank.balance()).toBe(bank.dataset().balanceCents)
    expect(bank.availableBalance()).toBe(bank.balance())
  })

  it("finds a transaction by id", () => {
    const bank = Bank.make({ transactions: 20, now })
    const some = bank.transactions()[5]!
    expect(bank.transaction(some.id)).toBe(some)
    expect(bank.transaction("no-such-id")).toBeUndefined()
  })
})

describe("Bank pagination", () => {
  let bank: Bank.Bank
  let allIds: Array<string>

  beforeAll(() => {
    bank = Bank.make({ now })
    allIds = bank.transactions().map((t) => t.id)
  })

  it.each([1, 7, 50])("returns every transaction once with first %i", (pageSize) => {
    const ids = readForward(bank, pageSize)
    expect(ids).toHaveLength(5_000)
    expect(new Set(ids).size).toBe(5_000)
    expect(ids).toEqual(allIds)
  })

  it.each([7, 50])("returns every transaction once with last %i", (pageSize) => {
    expect(readBackward(bank, pageSize)).toEqual(allIds)
  })

  it("serves 50 items without first or last", () => {
    const page = bank.transactionPage(undefined, {})
    expect(page.edges).toHaveLength(50)
    expect(page.pageInfo.hasNextPage).toBe(true)
    expect(page.pageInfo.hasPreviousPage).toBe(false)
  })

  it("rejects more than 50 items per page", () => {
    expectBankError(() => bank.transactionPage(undefined, { first: 51 }), "BAD_USER_INPUT")
    expectBankError(() => bank.transactionPage(undefined, { last: 51 }), "BAD_USER_INPUT")
    expectBankError(() => bank.transactionPage(undefined, { first: -1 }), "BAD_USER_INPUT")
  })

  it("rejects a malformed cursor", () => {
    expectBankError(() => bank.transactionPage(undefined, { first: 5, after: "not-a-cursor" }), "BAD_USER_INPUT")
    expectBankError(() => bank.transactionPage(undefined, { last: 5, before: Buffer.from("x").toString("base64url") }), "BAD_USER_INPUT")
  })

  it("uses opaque cursors", () => {
    const page = bank.transactionPage(undefined, { first: 2 })
    const cursor = page.edges[0]!.cursor
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(cursor).not.toContain(page.edges[0]!.node.id)
  })

  it("returns an empty last page with null cursors", () => {
    const last = bank.transactionPage(undefined, { last: 1 })
    const empty = bank.transactionPage(undefined, { first: 10, after: last.pageInfo.endCursor })
    expect(empty.edges).toHaveLength(0)
    expect(empty.pageInfo).toEqual({ startCursor: null, endCursor: null, hasNextPage: false, hasPreviousPage: true })
  })

  it("keeps cursors valid when new bookings arrive", () => {
    const fresh = Bank.make({ transactions: 120, now })
    const first = fresh.transactionPage(undefined, { first: 50 })
    fresh.injectTransaction({ amount: 5_000, name: "Anna Müller", iban: validIban, purpose: "Rückzahlung" })
    const second = fresh.transactionPage(undefined, { first: 50, after: first.pageInfo.endCursor })
    expect(second.edges[0]!.node.id).toBe(fresh.transactions()[51]!.id)
  })
})

describe("Bank transaction filters", () => {
  let bank: Bank.Bank
  let transactions: ReadonlyArray<TransactionRecord>

  beforeAll(() => {
    bank = Bank.make({ transactions: 2_000, now })
    transactions = bank.transactions()
  })

  /** Checks that paging with `filter` returns exactly what `predicate` selects from the data set. */
  const expectMatches = (filter: Bank.TransactionFilter, predicate: (t: TransactionRecord) => boolean) => {
    const expected = transactions.filter(predicate).map((t) => t.id)
    expect(expected.length).toBeGreaterThan(0)
    expect(expected.length).toBeLessThan(transactions.length)
    expect(readForward(bank, 50, filter)).toEqual(expected)
  }

  it("filters by booking date range", () => {
    const from = new Date("2025-01-01T00:00:00.000Z")
    const to = new Date("2025-03-31T23:59:59.999Z")
    expectMatches({ bookingDate_gte: from, bookingDate_lte: to }, (t) => t.bookingTime >= from.getTime() && t.bookingTime <= to.getTime())
  })

  it("accepts ISO strings as dates", () => {
    const from = "2025-05-01T00:00:00.000Z"
    expectMatches({ bookingDate_gt: from }, (t) => t.bookingTime > Date.parse(from))
  })

  it("filters by valuta date", () => {
    const before = new Date("2024-09-01T00:00:00.000Z")
    expectMatches({ valutaDate_lt: before }, (t) => t.valutaTime < before.getTime())
  })

  it("filters by amount range", () => {
    expectMatches({ amount_gte: -5_000, amount_lt: -1_000 }, (t) => t.amount >= -5_000 && t.amount < -1_000)
    expectMatches({ amount_gt: 0 }, (t) => t.amount > 0)
  })

  it("filters by exact amounts", () => {
    const amount = transactions[3]!.amount
    expectMatches({ amount_eq: amount }, (t) => t.amount === amount)
    expectMatches({ amount_in: [amount, -39_99] }, (t) => t.amount === amount || t.amount === -39_99)
  })

  it("filters by IBAN ignoring spaces and case", () => {
    const iban = transactions.find((t) => t.iban !== null)!.iban!
    const spaced = iban.toLowerCase().replace(/(.{4})/g, "$1 ")
    expectMatches({ iban_eq: spaced }, (t) => t.iban === iban)
    expectMatches({ iban_ne: iban }, (t) => t.iban !== iban)
    expectMatches({ iban_in: [iban] }, (t) => t.iban === iban)
    expectMatches({ iban_like: iban.slice(4, 12) }, (t) => t.iban?.includes(iban.slice(4, 12)) === true)
  })

  it("matches name and purpose text case-insensitively", () => {
    expectMatches({ name_like: "rewe" }, (t) => t.name?.toLowerCase().includes("rewe") === true)
    expectMatches({ purpose_like: "MIETE" }, (t) => t.purpose?.toLowerCase().includes("miete") === true)
    expectMatches({ purpose_like: "rechnung%re-" }, (t) => /rechnung.*re-/i.test(t.purpose ?? ""))
    expectMatches({ name_likeAny: ["lidl", "aldi"] }, (t) => /lidl|aldi/i.test(t.name ?? ""))
  })

  it("matches exact names", () => {
    expectMatches({ name_eq: "Vodafone GmbH" }, (t) => t.name === "Vodafone GmbH")
    expectMatches({ name_in: ["Vodafone GmbH", "Kontist GmbH"] }, (t) => t.name === "Vodafone GmbH" || t.name === "Kontist GmbH")
    expectMatches({ purpose_ne: null, name_ne: "Vodafone GmbH" }, (t) => t.name !== "Vodafone GmbH")
  })

  it("filters by type, source, category and codes", () => {
    expectMatches({ type_eq: "SEPA_DIRECT_DEBIT" }, (t) => t.type === "SEPA_DIRECT_DEBIT")
    expectMatches({ category_eq: "VAT_19" }, (t) => t.category === "VAT_19")
    expectMatches({ category_in: ["TAX_PAYMENT", "VAT_PAYMENT"] }, (t) => t.category === "TAX_PAYMENT" || t.category === "VAT_PAYMENT")
    expectMatches({ vatCategoryCode_exist: true }, (t) => t.vatCategoryCode !== null)
    expectMatches({ categoryCode_exist: true, category_eq: "PRIVATE" }, (t) => t.categoryCode !== null && t.category === "PRIVATE")
    expect(readForward(bank, 50, { source_eq: "SOLARIS" })).toHaveLength(transactions.length)
    expect(readForward(bank, 50, { source_in: ["USER"] })).toHaveLength(0)
    expect(readForward(bank, 50, { assets_exist: true })).toHaveLength(0)
    expect(readForward(bank, 50, { splits_exist: false })).toHaveLength(transactions.length)
  })

  it("combines fields with the OR operator", () => {
    expectMatches(
      { operator: "OR", name_like: "rewe", amount_gt: 300_000 },
      (t) => t.name?.toLowerCase().includes("rewe") === true || t.amount > 300_000
    )
  })

  it("combines nested conditions with the filter's operator", () => {
    expectMatches(
      {
        amount_lt: 0,
        conditions: [
          { operator: "OR", name_like: "vodafone", purpose_like: "miete" },
          { bookingDate_gte: new Date("2024-12-01T00:00:00.000Z") }
        ]
      },
      (t) =>
        t.amount < 0 &&
        (/vodafone/i.test(t.name ?? "") || /miete/i.test(t.purpose ?? "")) &&
        t.bookingTime >= Date.parse("2024-12-01T00:00:00.000Z")
    )
    expectMatches(
      { operator: "OR", conditions: [{ name_eq: "Vodafone GmbH" }, { name_eq: "Kontist GmbH", amount_lt: 0 }] },
      (t) => t.name === "Vodafone GmbH" || t.name === "Kontist GmbH"
    )
  })

  it("matches everything with an empty filter", () => {
    expect(readForward(bank, 50, {})).toHaveLength(transactions.length)
    expect(readForward(bank, 50, { operator: "OR" })).toHaveLength(transactions.length)
  })

  it("rejects unknown fields and bad values", () => {
    expectBankError(() => bank.transactionPage({ colour_eq: "red" }, {}), "BAD_USER_INPUT")
    expectBankError(() => bank.transactionPage({ bookingDate_gt: "yesterday" }, {}), "BAD_USER_INPUT")
  })
})

describe("Bank transfers", () => {
  it("creates a confirmation request and sends a 6-digit code", () => {
    const bank = Bank.make({ transactions: 10, now })
    const request = bank.createTransfer(transfer)
    expect(request.stringToSign).toBeNull()
    const [sms] = bank.sms()
    expect(sms?.confirmationId).toBe(request.confirmationId)
    expect(sms?.code).toMatch(/^\d{6}$/)
    expect(sms?.text).toContain(sms?.code)
    expect(sms?.text).toContain("12,34 EUR")
    expect(Number.isNaN(Date.parse(sms?.createdAt ?? ""))).toBe(false)
  })

  it("books a confirmed SEPA transfer and publishes it", async () => {
    const bank = Bank.make({ transactions: 10, now })
    const before = bank.dataset()
    const { confirmationId } = bank.createTransfer(transfer)
    const published = nextPublished(bank)

    const confirmed = bank.confirmTransfer(confirmationId, latestCode(bank, confirmationId))
    expect(confirmed).toMatchObject({ type: "SEPA_TRANSFER", status: "CONFIRMED", amount: 1234, iban: validIban, recipient: "Max Mustermann" })

    const booked = bank.transactions()[0]!
    expect(booked).toMatchObject({ amount: -1234, iban: validIban, name: "Max Mustermann", purpose: "Rechnung RE-2025-0412" })
    expect(bank.dataset()).toEqual({ count: before.count + 1, sumCents: before.sumCents - 1234, balanceCents: before.balanceCents - 1234 })
    expect(await published).toBe(booked)
    expect(bank.transfer(confirmed.id, "SEPA_TRANSFER")?.status).toBe("BOOKED")
  })

  it("rejects a wrong SMS code and accepts the right one afterwards", () => {
    const bank = Bank.make({ transactions: 10, now })
    const { confirmationId } = bank.createTransfer(transfer)
    const code = latestCode(bank, confirmationId)
    const wrong = code === "000000" ? "111111" : "000000"
    expectBankError(() => bank.confirmTransfer(confirmationId, wrong), "INVALID_AUTHORIZATION_TOKEN")
    expect(bank.dataset().count).toBe(10)
    expect(bank.confirmTransfer(confirmationId, code).status).toBe("CONFIRMED")
  })

  it("confirms a confirmation id only once", () => {
    const bank = Bank.make({ transactions: 10, now })
    const { confirmationId } = bank.createTransfer(transfer)
    const code = latestCode(bank, confirmationId)
    bank.confirmTransfer(confirmationId, code)
    expectBankError(() => bank.confirmTransfer(confirmationId, code), "BAD_USER_INPUT")
    expect(bank.dataset().count).toBe(11)
  })

  it("rejects an unknown confirmation id", () => {
    const bank = Bank.make({ transactions: 10, now })
    expectBankError(() => bank.confirmTransfer("nope", "123456"), "BAD_USER_INPUT")
  })

  it("schedules a timed order without booking it", () => {
    const clock = () => now
    const bank = Bank.make({ transactions: 10, now, clock })
    const executeAt = new Date("2025-07-15T00:00:00.000Z")
    const { confirmationId } = bank.createTransfer({ ...transfer, executeAt })
    const order = bank.confirmTransfer(confirmationId, latestCode(bank, confirmationId))
    expect(order).toMatchObject({ type: "TIMED_ORDER", status: "SCHEDULED", executeAt: executeAt.toISOString() })
    expect(bank.dataset().count).toBe(10)
    expect(bank.transferPage("TIMED_ORDER", undefined, {}).edges.map((edge) => edge.node.id)).toEqual([order.id])
  })

  it("activates a standing order", () => {
    const bank = Bank.make({ transactions: 10, now, clock: () => now })
    const executeAt = new Date("2025-07-01T00:00:00.000Z")
    const lastExecutionDate = new Date("2026-06-01T00:00:00.000Z")
    const { confirmationId } = bank.createTransfer({ ...transfer, executeAt, lastExecutionDate, reoccurrence: "MONTHLY" })
    const order = bank.confirmTransfer(confirmationId, latestCode(bank, confirmationId))
    expect(order).toMatchObject({
      type: "STANDING_ORDER",
      status: "ACTIVE",
      reoccurrence: "MONTHLY",
      nextOccurrence: executeAt.toISOString(),
      lastExecutionDate: lastExecutionDate.toISOString()
    })
    expect(bank.transfer(order.id, "STANDING_ORDER")).toEqual(order)
    expect(bank.transfer(order.id, "SEPA_TRANSFER")).toBeUndefined()
    expect(bank.transferPage("STANDING_ORDER", "ACTIVE", {}).edges).toHaveLength(1)
    expect(bank.transferPage("STANDING_ORDER", "CANCELED", {}).edges).toHaveLength(0)
  })

  it.each([
    ["an invalid IBAN", { iban: "DE00370400440532013000" }],
    ["a zero amount", { amount: 0 }],
    ["a negative amount", { amount: -100 }],
    ["a fractional amount", { amount: 19.99 }],
    ["a purpose over 140 characters", { purpose: "x".repeat(141) }],
    ["an empty recipient", { recipient: "  " }],
    ["executeAt in the past", { executeAt: new Date("2025-06-01T00:00:00.000Z") }],
    ["reoccurrence without executeAt", { reoccurrence: "MONTHLY" as const }],
    ["lastExecutionDate before executeAt", {
      reoccurrence: "WEEKLY" as const,
      executeAt: new Date("2025-08-01T00:00:00.000Z"),
      lastExecutionDate: new Date("2025-07-01T00:00:00.000Z")
    }],
    ["a SEPA transfer with executeAt", { type: "SEPA_TRANSFER" as const, executeAt: new Date("2025-08-01T00:00:00.000Z") }]
  ])("rejects %s", (_case, change) => {
    const bank = Bank.make({ transactions: 10, now, clock: () => now })
    const error = expectBankError(() => bank.createTransfer({ ...transfer, ...change }), "BAD_USER_INPUT")
    expect(error.status).toBe(400)
    expect(bank.sms()).toHaveLength(0)
  })

  it("accepts a purpose of exactly 140 characters", () => {
    const bank = Bank.make({ transactions: 10, now })
    expect(bank.createTransfer({ ...transfer, purpose: "x".repeat(140) }).confirmationId).toBeTypeOf("string")
  })

  it("does not implement instant credit transfers", () => {
    const bank = Bank.make({ transactions: 10, now })
    expect(expectBankError(() => bank.createTransfer({ ...transfer, type: "INSTANT_CREDIT_TRANSFER" }), "NOT_IMPLEMENTED").status).toBe(501)
  })
})

describe("Bank batch transfers", () => {
  const batch = [
    { recipient: "Anna Müller", iban: validIban, amount: 1000, purpose: "Anteil Urlaub" },
    { recipient: "Jonas Weber", iban: "DE02120300000000202051", amount: 2500 }
  ]

  it("books every transfer of a confirmed batch", async () => {
    const bank = Bank.make({ transactions: 10, now })
    const { confirmationId } = bank.createTransfers(batch)
    const [sms] = bank.sms()
    expect(sms?.text).toContain("2 transfers")
    const published: Array<TransactionRecord> = []
    bank.onTransaction((t) => published.push(t))

    const result = bank.confirmTransfers(confirmationId, latestCode(bank, confirmationId))
    expect(result.status).toBe("ACCEPTED")
    expect(result.transfers.map((t) => [t.recipient, t.amount, t.status])).toEqual([
      ["Anna Müller", 1000, "CONFIRMED"],
      ["Jonas Weber", 2500, "CONFIRMED"]
    ])
    expect(bank.dataset().count).toBe(12)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(published.map((t) => t.amount).sort()).toEqual([-1000, -2500].sort())
  })

  it("rejects an empty batch and names the invalid entry", () => {
    const bank = Bank.make({ transactions: 10, now })
    expectBankError(() => bank.createTransfers([]), "BAD_USER_INPUT")
    const error = expectBankError(() => bank.createTransfers([batch[0]!, { ...batch[1]!, amount: 0 }]), "BAD_USER_INPUT")
    expect(error.message).toContain("transfers[1].amount")
  })

  it("does not mix single and batch confirmations", () => {
    const bank = Bank.make({ transactions: 10, now })
    const single = bank.createTransfer(transfer)
    const many = bank.createTransfers(batch)
    expectBankError(() => bank.confirmTransfers(single.confirmationId, latestCode(bank, single.confirmationId)), "BAD_USER_INPUT")
    expectBankError(() => bank.confirmTransfer(many.confirmationId, latestCode(bank, many.confirmationId)), "BAD_USER_INPUT")
  })

  it("rejects a wrong code and a second confirmation", () => {
    const bank = Bank.make({ transactions: 10, now })
    const { confirmationId } = bank.createTransfers(batch)
    const code = latestCode(bank, confirmationId)
    expectBankError(() => bank.confirmTransfers(confirmationId, code === "999999" ? "000000" : "999999"), "INVALID_AUTHORIZATION_TOKEN")
    bank.confirmTransfers(confirmationId, code)
    expectBankError(() => bank.confirmTransfers(confirmationId, code), "BAD_USER_INPUT")
  })
})

describe("Bank.injectTransaction", () => {
  it("books incoming money and publishes it", async () => {
    const bank = Bank.make({ transactions: 10, now })
    const published = nextPublished(bank)
    const booked = bank.injectTransaction({ amount: 150_000, name: "Spreewerk Digital GmbH", iban: validIban, purpose: "Rechnung RE-2025-0413" })
    expect(bank.transactions()[0]).toBe(booked)
    expect(booked.amount).toBe(150_000)
    expect(await published).toBe(booked)
  })

  it("rejects invalid input", () => {
    const bank = Bank.make({ transactions: 10, now })
    const input = { amount: 100, name: "Anna", iban: validIban, purpose: "x" }
    expectBankError(() => bank.injectTransaction({ ...input, amount: 0 }), "BAD_USER_INPUT")
    expectBankError(() => bank.injectTransaction({ ...input, amount: 1.5 }), "BAD_USER_INPUT")
    expectBankError(() => bank.injectTransaction({ ...input, iban: "DE00" }), "BAD_USER_INPUT")
    expectBankError(() => bank.injectTransaction({ ...input, purpose: "x".repeat(141) }), "BAD_USER_INPUT")
  })

  it("stops publishing after unsubscribe", async () => {
    const bank = Bank.make({ transactions: 10, now })
    const seen: Array<string> = []
    const unsubscribe = bank.onTransaction((t) => seen.push(t.id))
    unsubscribe()
    bank.injectTransaction({ amount: 100, name: "Anna Müller", iban: validIban, purpose: "Test" })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(seen).toEqual([])
  })
})
