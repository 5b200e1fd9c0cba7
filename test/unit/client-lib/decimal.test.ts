import { describe, expect, it } from 'vitest'
import { centsToEuroInput, parseEuroToCents, parsePercentToPermille, permilleToPercentInput } from '../../../client/src/lib/decimal'

describe('parseEuroToCents turns German amount input into exact integer cents', () => {
  it.each([
    ['20', 2000],
    ['20,5', 2050],
    ['20,50', 2050],
    ['0,01', 1],
    ['1.234,56', 123456],
    ['1234,56', 123456],
    [' 36,50 ', 3650],
    ['0,29', 29],
    ['1.000.000,00', 100000000],
  ])('%s → %i cents', (input, cents) => {
    expect(parseEuroToCents(input)).toEqual({ ok: true, value: cents })
  })

  it.each(['', 'abc', '12,345', '1,2,3', '-5', '12.34.5,00'])('rejects %j with a German message', (input) => {
    const r = parseEuroToCents(input)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toMatch(/[a-zäöü]/i)
  })

  it('formats cents back for editing without float artefacts', () => {
    expect(centsToEuroInput(3650)).toBe('36,50')
    expect(centsToEuroInput(29)).toBe('0,29')
  })
})

describe('percent input for per-mille settings', () => {
  it('reads 10 % as 100 ‰ and 12,5 % as 125 ‰', () => {
    expect(parsePercentToPermille('10')).toEqual({ ok: true, value: 100 })
    expect(parsePercentToPermille('12,5')).toEqual({ ok: true, value: 125 })
    expect(permilleToPercentInput(100)).toBe('10')
    expect(permilleToPercentInput(125)).toBe('12,5')
  })
})
