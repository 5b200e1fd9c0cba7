import { z } from 'zod'
import { isValidIsoDate } from '../dates'

// Zod's German locale: validation messages reach the UI in German on both sides.
z.config(z.locales.de())

export const idSchema = z.string().uuid({ message: 'Ungültige ID.' })
export const isoDateSchema = z
  .string()
  .refine(isValidIsoDate, { message: 'Bitte ein gültiges Datum im Format JJJJ-MM-TT angeben.' })
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .email({ message: 'Bitte eine gültige E-Mail-Adresse angeben.' })
  .max(254)
export const nameSchema = z.string().trim().min(1, { message: 'Bitte einen Namen angeben.' }).max(120)
export const idParamSchema = z.object({ id: idSchema })
export const okSchema = z.object({ ok: z.literal(true) })
export const idResultSchema = z.object({ id: idSchema })
export const errorSchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
