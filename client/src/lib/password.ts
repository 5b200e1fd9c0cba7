// No 0/O, 1/l/I: start passwords are read out or typed from a note.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** A random start password from the platform CSPRNG (rejection sampling: no modulo bias). */
export function generatePassword(length = 14): string {
  const out: string[] = []
  const limit = 256 - (256 % ALPHABET.length)
  const buf = new Uint8Array(length * 2)
  while (out.length < length) {
    crypto.getRandomValues(buf)
    for (const b of buf) {
      if (b < limit && out.length < length) out.push(ALPHABET[b % ALPHABET.length]!)
    }
  }
  return out.join('')
}
