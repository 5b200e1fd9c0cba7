import { z } from 'zod'
import { ROLES } from '../constants'
import { emailSchema, idSchema } from './common'

export const PASSWORD_MIN_LENGTH = 10

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { message: `Das Passwort muss mindestens ${PASSWORD_MIN_LENGTH} Zeichen lang sein.` })
  .max(200)

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, { message: 'Bitte das Passwort angeben.' }).max(200),
})
export type LoginInput = z.infer<typeof loginSchema>

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
})
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>

export const meSchema = z.object({
  id: idSchema,
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  mustChangePassword: z.boolean(),
  branchIds: z.array(idSchema),
})
export type Me = z.infer<typeof meSchema>
