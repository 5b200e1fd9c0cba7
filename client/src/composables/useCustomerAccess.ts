import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { storeToRefs } from 'pinia'
import { useAuthStore } from '../stores/auth'

/**
 * Whether the signed-in user may change this customer's file, as the server will decide it: a rep
 * only their own customers (a manager reads the downline's), back office and admin what they see;
 * nobody a restricted or pseudonymised file (GDPR).
 */
export function useCustomerAccess(customer: MaybeRefOrGetter<{ ownerRepId: string; restrictedAt: string | null; pseudonymisedAt: string | null } | null | undefined>) {
  const { me } = storeToRefs(useAuthStore())
  const gdprLocked = computed(() => {
    const c = toValue(customer)
    return !!(c?.restrictedAt || c?.pseudonymisedAt)
  })
  const othersCustomer = computed(() => {
    const c = toValue(customer)
    return !!c && me.value?.role === 'rep' && c.ownerRepId !== me.value.id
  })
  const canEdit = computed(() => !!toValue(customer) && !gdprLocked.value && !othersCustomer.value)
  return { canEdit, gdprLocked, othersCustomer }
}
