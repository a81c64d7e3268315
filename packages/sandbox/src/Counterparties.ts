/**
 * Static tables of the generated booking history: people, clients, merchants,
 * direct debit creditors, purpose texts and German month names.
 *
 * @since 0.1.0
 */

export const FIRST_NAMES: ReadonlyArray<string> = [
  "Anna", "Jonas", "Sophie", "Felix", "Marie", "Lukas", "Laura", "Paul", "Julia", "Leon",
  "Hannah", "Maximilian", "Lea", "Tim", "Clara", "Moritz", "Emma", "David", "Katharina", "Jan",
  "Mia", "Niklas", "Charlotte", "Tobias", "Johanna", "Elif", "Mehmet", "Aylin", "Piotr", "Greta"
]

export const LAST_NAMES: ReadonlyArray<string> = [
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch",
  "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
  "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Yılmaz", "Kaya", "Nowak", "Jäger"
]

export interface Client {
  readonly name: string
  readonly project: string
  /** VAT rate in percent that applies to this client's invoices. */
  readonly vat: 19 | 7
}

export const CLIENTS: ReadonlyArray<Client> = [
  { name: "Spreewerk Digital GmbH", project: "Webdesign Relaunch", vat: 19 },
  { name: "Havelblick Software GmbH", project: "UX-Konzept App", vat: 19 },
  { name: "Kiezkultur e.V.", project: "Plakatgestaltung Sommerfest", vat: 19 },
  { name: "Atelier Weißensee UG (haftungsbeschränkt)", project: "Corporate Design", vat: 19 },
  { name: "Nordlicht Medien GmbH & Co. KG", project: "Social-Media-Grafiken", vat: 19 },
  { name: "Müller & Partner Architekten PartGmbB", project: "Broschüre Wohnquartier", vat: 19 },
  { name: "Brandenburger Bio-Hof Lindner", project: "Etikettendesign", vat: 19 },
  { name: "Verlag Tempelhofer Ufer GmbH", project: "Buchillustrationen", vat: 7 },
  { name: "Edition Prenzlauer Berg", project: "Covergestaltung", vat: 7 },
  { name: "Startup Factory Adlershof GmbH", project: "Pitch Deck", vat: 19 },
  { name: "Stadtteilzentrum Moabit gGmbH", project: "Flyer und Website", vat: 19 },
  { name: "Fahrradkontor Friedrichshain GmbH", project: "Onlineshop-Design", vat: 19 }
]

export interface Merchant {
  readonly name: string
  /** ISO 18245 merchant category code. */
  readonly mcc: string
  /** Relative frequency among the merchants of its list. */
  readonly weight: number
  /** Range of the amount in cents (positive). */
  readonly min: number
  readonly max: number
  readonly business?: {
    readonly categoryCode: string
    readonly translation: string
    readonly vat: 19 | 7
  }
  readonly foreign?: { readonly currency: string; readonly country: string }
}

export const PRIVATE_MERCHANTS: ReadonlyArray<Merchant> = [
  { name: "REWE Markt GmbH", mcc: "5411", weight: 6, min: 4_50, max: 95_00 },
  { name: "EDEKA Center", mcc: "5411", weight: 5, min: 3_20, max: 80_00 },
  { name: "Lidl Vertriebs GmbH", mcc: "5411", weight: 5, min: 2_80, max: 65_00 },
  { name: "ALDI Nord", mcc: "5411", weight: 5, min: 2_50, max: 55_00 },
  { name: "Bio Company", mcc: "5411", weight: 3, min: 5_00, max: 70_00 },
  { name: "dm-drogerie markt", mcc: "5912", weight: 4, min: 2_45, max: 45_00 },
  { name: "Rossmann", mcc: "5912", weight: 3, min: 1_99, max: 38_00 },
  { name: "Kaufland", mcc: "5411", weight: 2, min: 6_00, max: 110_00 },
  { name: "IKEA Deutschland", mcc: "5712", weight: 0.4, min: 9_99, max: 149_00 },
  { name: "Apotheke am Hermannplatz", mcc: "5912", weight: 1, min: 4_95, max: 42_00 },
  { name: "Zalando SE", mcc: "5651", weight: 0.8, min: 19_95, max: 139_00 },
  { name: "Späti Weserstraße", mcc: "5499", weight: 3, min: 1_50, max: 12_00 },
  { name: "Backwerk", mcc: "5462", weight: 4, min: 1_80, max: 9_50 },
  { name: "Kino Babylon", mcc: "7832", weight: 0.8, min: 9_00, max: 24_00 },
  { name: "Booking.com", mcc: "4722", weight: 0.15, min: 89_00, max: 320_00, foreign: { currency: "EUR", country: "NL" } },
  { name: "Ryanair", mcc: "4511", weight: 0.15, min: 29_99, max: 189_00, foreign: { currency: "EUR", country: "IE" } }
]

export const RESTAURANTS: ReadonlyArray<Merchant> = [
  { name: "Café Rix", mcc: "5814", weight: 4, min: 3_20, max: 18_00 },
  { name: "Mustafas Gemüse Kebap", mcc: "5814", weight: 3, min: 5_50, max: 14_00 },
  { name: "Trattoria da Enzo", mcc: "5812", weight: 1.5, min: 18_00, max: 85_00 },
  { name: "Curry 36", mcc: "5814", weight: 2, min: 4_50, max: 12_00 },
  { name: "The Barn Coffee Roasters", mcc: "5814", weight: 4, min: 3_80, max: 16_00 },
  { name: "Markthalle Neun", mcc: "5812", weight: 1.5, min: 8_00, max: 45_00 },
  { name: "Restaurant Nobelhart", mcc: "5812", weight: 0.3, min: 60_00, max: 240_00,
    business: { categoryCode: "ENTERTAINMENT", translation: "Bewirtung", vat: 19 } }
]

export const BUSINESS_MERCHANTS: ReadonlyArray<Merchant> = [
  { name: "Amazon EU S.a.r.l.", mcc: "5942", weight: 2, min: 8_99, max: 189_00,
    business: { categoryCode: "OFFICE_COSTS", translation: "Bürokosten", vat: 19 } },
  { name: "Apple Distribution International", mcc: "5734", weight: 0.4, min: 99, max: 349_00,
    business: { categoryCode: "ASSETS_LESS_THAN_EUR_250", translation: "Anlagegüter bis 250 €", vat: 19 },
    foreign: { currency: "EUR", country: "IE" } },
  { name: "Adobe Systems Software Ireland", mcc: "5734", weight: 1, min: 23_79, max: 71_39,
    business: { categoryCode: "SOFTWARE_AND_LICENSES", translation: "Software und Lizenzen", vat: 19 },
    foreign: { currency: "EUR", country: "IE" } },
  { name: "Figma Inc.", mcc: "5734", weight: 1, min: 14_00, max: 54_00,
    business: { categoryCode: "SOFTWARE_AND_LICENSES", translation: "Software und Lizenzen", vat: 19 },
    foreign: { currency: "USD", country: "US" } },
  { name: "Deutsche Bahn Fernverkehr", mcc: "4112", weight: 1.2, min: 17_90, max: 139_90,
    business: { categoryCode: "TRAVEL_COSTS", translation: "Reisekosten", vat: 7 } },
  { name: "BVG Berliner Verkehrsbetriebe", mcc: "4111", weight: 3, min: 3_50, max: 49_00,
    business: { categoryCode: "PUBLIC_TRANSPORT", translation: "Öffentliche Verkehrsmittel", vat: 7 } },
  { name: "Thalia Bücher GmbH", mcc: "5942", weight: 1, min: 9_99, max: 59_00,
    business: { categoryCode: "BOOKS", translation: "Fachliteratur", vat: 7 } },
  { name: "Modulor GmbH", mcc: "5945", weight: 1, min: 6_50, max: 120_00,
    business: { categoryCode: "OFFICE_COSTS", translation: "Bürokosten", vat: 19 } },
  { name: "MediaMarkt Berlin-Alexanderplatz", mcc: "5732", weight: 0.3, min: 19_99, max: 249_00,
    business: { categoryCode: "ASSETS_LESS_THAN_EUR_250", translation: "Anlagegüter bis 250 €", vat: 19 } },
  { name: "Google Workspace", mcc: "5734", weight: 1, min: 6_90, max: 13_80,
    business: { categoryCode: "IT_COSTS", translation: "IT-Kosten", vat: 19 },
    foreign: { currency: "EUR", country: "IE" } }
]

export interface Creditor {
  readonly name: string
  readonly min: number
  readonly max: number
  readonly purpose: string
  readonly categoryCode: string
  readonly translation: string
  /** VAT rate in percent, 0 for a VAT-exempt business expense (insurance), or undefined for a private expense. */
  readonly vat?: 19 | 7 | 0
}

export const DIRECT_DEBIT_CREDITORS: ReadonlyArray<Creditor> = [
  { name: "Spotify AB", min: 10_99, max: 10_99, purpose: "Spotify Premium", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Netflix International B.V.", min: 13_99, max: 13_99, purpose: "Netflix Abo", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Vattenfall Europe Sales GmbH", min: 48_00, max: 96_00, purpose: "Abschlag Strom Vertragskonto", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Allianz Versicherungs-AG", min: 8_45, max: 32_10, purpose: "Haftpflichtversicherung Beitrag", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Urban Sports GmbH", min: 39_00, max: 79_00, purpose: "Mitgliedschaft Urban Sports Club", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Hetzner Online GmbH", min: 4_51, max: 42_77, purpose: "Rechnung Cloud Server", categoryCode: "IT_COSTS", translation: "IT-Kosten", vat: 19 },
  { name: "Hiscox SA", min: 19_17, max: 19_17, purpose: "Berufshaftpflicht Versicherungsschein", categoryCode: "INSURANCES", translation: "Versicherungen", vat: 0 },
  { name: "Künstlersozialkasse", min: 96_00, max: 96_00, purpose: "KSK Beitrag Versicherungsnummer", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Telefónica Germany GmbH & Co. OHG", min: 17_99, max: 24_99, purpose: "O2 Mobilfunk Rechnung", categoryCode: "TELECOMMUNICATION", translation: "Telekommunikation", vat: 19 }
]

export const FREELANCERS: ReadonlyArray<{ readonly service: string }> = [
  { service: "Illustration" },
  { service: "Fotografie" },
  { service: "Lektorat" },
  { service: "Frontend-Entwicklung" },
  { service: "Übersetzung EN" }
]

export const PRIVATE_OUT_PURPOSES: ReadonlyArray<string> = [
  "Anteil Urlaub Ostsee", "Geschenk für Paul", "Konzertkarten", "Anteil Abendessen", "WG-Party Getränke",
  "Rückzahlung Auslage", "Hochzeitsgeschenk", "Anteil Mietwagen", "Kita-Beitrag Patenkind", "Sommerfest Kasse"
]

export const PRIVATE_IN_PURPOSES: ReadonlyArray<string> = [
  "Rückzahlung Abendessen", "Anteil Konzertkarten", "Danke fürs Auslegen", "Geburtstagsgeschenk",
  "Anteil Ferienwohnung", "Rückzahlung Bahnticket", "Flohmarkt Verkauf"
]

export const MONTHS_DE: ReadonlyArray<string> = [
  "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"
]

/** The sandbox user's own savings account, which receives her monthly transfer. */
export const SAVINGS_ACCOUNT_NAME = "Lena Schulz"
export const TAX_OFFICE = "Finanzamt Neukölln"
export const TAX_NUMBER = "16/262/01234"
