import { describe, expect, it } from 'vitest'
import { koelnerPhonetik, phoneticKeys } from '../../shared/phonetic'

describe('Kölner Phonetik', () => {
  it.each([
    ['Müller-Lüdenscheidt', '65752682'],
    ['Wikipedia', '3412'],
    ['Breschnew', '17863'],
    ['Müller', '657'],
    ['Meier', '67'],
    ['Schmidt', '862'],
    ['Christoph', '47823'],
    ['Xaver', '4837'],
    ['Cäsar', '487'],
    ['Zeitung', '8264'],
  ])('codes %s as %s', (word, code) => {
    expect(koelnerPhonetik(word)).toBe(code)
  })

  it.each([
    [['Meier', 'Meyer', 'Mayr', 'Maier', 'Mayer']],
    [['Schmidt', 'Schmitt', 'Schmid']],
    [['Müller', 'Mueller', 'Muller']],
    [['Hoffmann', 'Hofmann']],
  ])('gives spelling variants one code: %j', (variants) => {
    expect(new Set(variants.map(koelnerPhonetik)).size).toBe(1)
  })

  it('keeps different names apart', () => {
    expect(koelnerPhonetik('Meier')).not.toBe(koelnerPhonetik('Müller'))
    expect(koelnerPhonetik('Schmidt')).not.toBe(koelnerPhonetik('Schneider'))
  })

  it('codes every word of a name', () => {
    expect(phoneticKeys('Hans-Peter Meyer')).toEqual([koelnerPhonetik('Hans'), koelnerPhonetik('Peter'), '67'])
    expect(phoneticKeys('')).toEqual([])
  })
})
