import { defineStore } from 'pinia'
import type { CustomerRow, GdprCustomerResult } from '@shared/schemas'
import { toVCard, vcardFileName } from '@shared/vcard'
import { api } from '../api'
import { useSyncStore } from './sync'

export type GdprExportFormat = 'json' | 'pdf'

/**
 * GDPR actions on one customer (online; each is audit-logged on the server) and the vCard, which
 * the device builds from its own row so reps can hand a contact over offline. After a change the
 * sync engine pulls, so the device's row (and the back-office page, through the poke) shows it.
 */
export const useGdprStore = defineStore('gdpr', () => {
  const sync = useSyncStore()

  /** Same-origin download links: the session cookie goes along, the server names the file. */
  function exportUrl(customerId: string, format: GdprExportFormat): string {
    return `/api/customers/${encodeURIComponent(customerId)}/export.${format}`
  }

  /** The vCard as a file for a download link; the caller revokes the URL after use. */
  function vcardFile(customer: CustomerRow): { url: string; fileName: string } {
    const blob = new Blob([toVCard(customer)], { type: 'text/vcard;charset=utf-8' })
    return { url: URL.createObjectURL(blob), fileName: vcardFileName(customer) }
  }

  function after(result: GdprCustomerResult): CustomerRow {
    void sync.syncNow()
    return result.customer
  }

  async function restrict(customerId: string, reason: string): Promise<CustomerRow> {
    return after(await api.post<GdprCustomerResult>(`/customers/${customerId}/restrict`, { reason }))
  }

  async function unrestrict(customerId: string): Promise<CustomerRow> {
    return after(await api.post<GdprCustomerResult>(`/customers/${customerId}/unrestrict`))
  }

  /** Irreversible; `confirm` is the customer number typed again. */
  async function pseudonymise(customerId: string, confirm: string): Promise<CustomerRow> {
    return after(await api.post<GdprCustomerResult>(`/customers/${customerId}/pseudonymise`, { confirm }))
  }

  return { exportUrl, vcardFile, restrict, unrestrict, pseudonymise }
})
