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
