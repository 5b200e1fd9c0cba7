/**
 * Kölner Phonetik (Postel 1969): a German phonetic code, so that spelling variants such as
 * Meier/Meyer/Mayr/Maier or Schmidt/Schmitt find each other in search.
 */
export function koelnerPhonetik(word: string): string {
  const s = word
    .toUpperCase()
    .replace(/Ä/g, 'A')
    .replace(/Ö/g, 'O')
    .replace(/Ü/g, 'U')
    .replace(/ß/g, 'S')
    .normalize('NFD')
    .replace(/[^A-Z]/g, '')
  let codes = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    const prev = i > 0 ? s[i - 1]! : ''
    const next = i + 1 < s.length ? s[i + 1]! : ''
    let code: string
    switch (c) {
      case 'A': case 'E': case 'I': case 'J': case 'O': case 'U': case 'Y':
        code = '0'
        break
      case 'H':
        code = ''
        break
      case 'B':
        code = '1'
        break
      case 'P':
        code = next === 'H' ? '3' : '1'
        break
      case 'D': case 'T':
        code = 'CSZ'.includes(next) && next !== '' ? '8' : '2'
        break
      case 'F': case 'V': case 'W':
        code = '3'
        break
      case 'G': case 'K': case 'Q':
        code = '4'
        break
      case 'C':
        if (i === 0) code = next !== '' && 'AHKLOQRUX'.includes(next) ? '4' : '8'
        else code = 'SZ'.includes(prev) ? '8' : next !== '' && 'AHKOQUX'.includes(next) ? '4' : '8'
        break
      case 'X':
        code = 'CKQ'.includes(prev) && prev !== '' ? '8' : '48'
        break
      case 'L':
        code = '5'
        break
      case 'M': case 'N':
        code = '6'
        break
      case 'R':
        code = '7'
        break
      case 'S': case 'Z':
        code = '8'
        break
      default:
        code = ''
    }
    codes += code
  }
  let collapsed = ''
  for (const ch of codes) if (collapsed[collapsed.length - 1] !== ch) collapsed += ch
  return collapsed.length ? collapsed[0] + collapsed.slice(1).replace(/0/g, '') : ''
}

/** Phonetic codes of every word in a text, for indexing and matching names. */
export function phoneticKeys(text: string): string[] {
  return [...new Set(text.split(/[\s\-,./]+/).map(koelnerPhonetik).filter(Boolean))]
}
