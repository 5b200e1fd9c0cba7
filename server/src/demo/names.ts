/** German first and last names for demo and benchmark data. */
export const FIRST_NAMES = [
  'Anna', 'Lukas', 'Sophie', 'Maximilian', 'Marie', 'Paul', 'Emma', 'Jonas', 'Hannah', 'Felix', 'Lena', 'Leon',
  'Mia', 'Elias', 'Laura', 'Finn', 'Lea', 'Noah', 'Katharina', 'Tobias', 'Julia', 'Florian', 'Sarah', 'Stefan',
  'Sabine', 'Thomas', 'Petra', 'Michael', 'Andrea', 'Andreas', 'Claudia', 'Jürgen', 'Monika', 'Uwe', 'Birgit',
  'Matthias', 'Nicole', 'Markus', 'Susanne', 'Frank', 'Heike', 'Sebastian', 'Jana', 'Christian', 'Özlem', 'Mehmet',
  'Agnieszka', 'Dragan', 'Friederike', 'Hans-Peter',
] as const

export const LAST_NAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann',
  'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann',
  'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier',
  'Lehmann', 'Schmid', 'Schulze', 'Maier', 'Köhler', 'Herrmann', 'König', 'Walter', 'Mayer', 'Huber', 'Kaiser',
  'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Yılmaz', 'Kowalski', 'Nowak',
] as const

/** Deterministic PRNG (mulberry32): the same seed gives the same organisation. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!
}

export const CITIES = [
  ['80331', 'München'], ['20095', 'Hamburg'], ['50667', 'Köln'], ['10115', 'Berlin'], ['60311', 'Frankfurt am Main'],
  ['70173', 'Stuttgart'], ['40213', 'Düsseldorf'], ['04109', 'Leipzig'], ['44135', 'Dortmund'], ['45127', 'Essen'],
  ['28195', 'Bremen'], ['01067', 'Dresden'], ['30159', 'Hannover'], ['90402', 'Nürnberg'], ['47051', 'Duisburg'],
  ['44787', 'Bochum'], ['42103', 'Wuppertal'], ['33602', 'Bielefeld'], ['53111', 'Bonn'], ['48143', 'Münster'],
  ['86150', 'Augsburg'], ['93047', 'Regensburg'], ['97070', 'Würzburg'], ['24103', 'Kiel'], ['18055', 'Rostock'],
] as const

export const STREETS = [
  'Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Dorfstraße', 'Bergstraße', 'Lindenstraße',
  'Birkenweg', 'Kirchstraße', 'Waldstraße', 'Ringstraße', 'Am Markt', 'Goethestraße', 'Schillerstraße', 'Mühlenweg',
] as const

/** First names above that are women's names (salutation, occupation forms, spouses). */
export const FEMALE_FIRST_NAMES: ReadonlySet<string> = new Set([
  'Anna', 'Sophie', 'Marie', 'Emma', 'Hannah', 'Lena', 'Mia', 'Laura', 'Lea', 'Katharina', 'Julia', 'Sarah', 'Sabine',
  'Petra', 'Andrea', 'Claudia', 'Monika', 'Birgit', 'Nicole', 'Susanne', 'Heike', 'Jana', 'Özlem', 'Agnieszka', 'Friederike',
])

/** [male, female] forms. */
export const OCCUPATIONS = [
  ['Ingenieur', 'Ingenieurin'], ['Lehrer', 'Lehrerin'], ['Krankenpfleger', 'Krankenpflegerin'], ['Bürokaufmann', 'Bürokauffrau'],
  ['Elektriker', 'Elektrikerin'], ['Beamter', 'Beamtin'], ['Softwareentwickler', 'Softwareentwicklerin'], ['Erzieher', 'Erzieherin'],
  ['Arzt', 'Ärztin'], ['Vertriebsmitarbeiter', 'Vertriebsmitarbeiterin'], ['Selbstständig', 'Selbstständig'], ['Polizist', 'Polizistin'],
] as const

export const EMPLOYERS = [
  'Stadtverwaltung', 'Kreiskrankenhaus', 'Stadtwerke', 'Landesamt für Steuern', 'Grundschule am Park', 'Kita Sonnenschein',
  'Bauunternehmen Schulz GmbH', 'Logistikzentrum Nord GmbH', 'Universitätsklinikum', 'Maschinenbau Krüger AG',
] as const

export const TRADES = [
  'Bäckerei', 'Autohaus', 'Elektro', 'Malerbetrieb', 'Steuerberatung', 'Zahnarztpraxis', 'Gartenbau', 'Dachdeckerei',
  'Physiotherapie', 'Immobilien', 'Sanitär', 'Café',
] as const
export const COMPANY_FORMS = ['GmbH', 'GmbH & Co. KG', 'KG', 'e. K.', 'UG (haftungsbeschränkt)', 'OHG'] as const

export const TAGS = ['VIP', 'Empfehlung', 'Neukunde', 'Familie', 'Beamter', 'Baufinanzierung', 'Altersvorsorge', 'Bestandskunde'] as const

/** Bank codes (BLZ) with their BIC. */
export const BANKS = [
  ['37040044', 'COBADEFFXXX'], ['50070010', 'DEUTDEFFXXX'], ['70150000', 'SSKMDEMMXXX'], ['20050550', 'HASPDEHHXXX'],
  ['37050198', 'COLSDE33XXX'], ['10010010', 'PBNKDEFFXXX'], ['43060967', 'GENODEM1GLS'], ['12030000', 'BYLADEM1001'],
] as const

/** A German IBAN for a bank code and account number, with the ISO 13616 check digits (mod 97). */
export function germanIban(blz: string, account: string): string {
  const bban = `${blz}${account.padStart(10, '0')}`
  // Country "DE" as digits (D = 13, E = 14) and "00" go after the BBAN for the check.
  let rest = 0
  for (const digit of `${bban}131400`) rest = (rest * 10 + Number(digit)) % 97
  return `DE${String(98 - rest).padStart(2, '0')}${bban}`
}

export const PHONE_NOTES = [
  ['Rückruf wegen Kfz-Versicherung', 'Kunde fragt nach dem Schadenfreiheitsrabatt nach dem Fahrzeugwechsel; Angebot wird erstellt.'],
  ['Terminvereinbarung Jahresgespräch', 'Termin für das Jahresgespräch vereinbart, Kunde bringt die aktuellen Gehaltsnachweise mit.'],
  ['Frage zur Beitragsanpassung', 'Beitragserhöhung der Krankenversicherung erklärt; Kunde überlegt einen Tarifwechsel.'],
  ['Schadenmeldung Hausrat', 'Wasserschaden in der Küche gemeldet, Fotos folgen per E-Mail. Schadenanzeige an die Gesellschaft weitergeleitet.'],
  ['Adressänderung', 'Kunde zieht zum Monatsende um; neue Anschrift notiert, Verträge werden angepasst.'],
  ['Berufsunfähigkeit', 'Angebot Berufsunfähigkeitsversicherung besprochen, Gesundheitsfragen vorab geklärt.'],
  ['Kündigungswunsch Rechtsschutz', 'Kunde möchte die Rechtsschutzversicherung kündigen; Alternativen aufgezeigt, Entscheidung offen.'],
  ['Riester-Zulage', 'Rückfrage zur Zulage für das zweite Kind; Zulagenantrag wird nachgereicht.'],
] as const

export const MEMOS = [
  ['Unterlagen Baufinanzierung', 'Grundbuchauszug und Gehaltsnachweise der letzten drei Monate fehlen noch.'],
  ['Empfehlung', 'Schwester des Kunden interessiert sich für Altersvorsorge, Kontakt darf aufgenommen werden.'],
  ['Vertragsübersicht', 'Fremdverträge laut Ordner des Kunden erfasst: Haftpflicht, Hausrat, Kfz.'],
  ['Erreichbarkeit', 'Kunde ist tagsüber nur per E-Mail erreichbar, Anrufe bitte nach 18 Uhr.'],
] as const

export const VISITS = [
  ['Jahresgespräch', 'Jahresgespräch beim Kunden zu Hause: Bedarf Altersvorsorge und Berufsunfähigkeit besprochen, Angebot folgt.'],
  ['Beratung Wohngebäude', 'Beratung zur Wohngebäudeversicherung vor Ort, Fotos vom Objekt gemacht, Wohnfläche nachgemessen.'],
  ['Antragsaufnahme Haftpflicht', 'Beratungsprotokoll unterschrieben, Antrag Privathaftpflicht aufgenommen.'],
  ['Familienabsicherung', 'Risikolebensversicherung wegen Hauskauf besprochen; beide Partner waren anwesend.'],
] as const

export const FOLLOW_UPS = ['Angebot nachfassen', 'Unterlagen prüfen', 'Rückruf vereinbart', 'Beitragsanpassung klären', 'Termin bestätigen'] as const
