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
