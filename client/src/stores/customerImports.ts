import { defineStore } from 'pinia'
import { ERROR_MESSAGES } from '@shared/errors'
import { IMPORT_MAX_BYTES, type ImportCommitResult, type ImportMode, type ImportPreview } from '@shared/schemas/imports'
import { api, ApiError, NETWORK_ERROR_MESSAGE } from '../api'

/** The file goes up as it is (bytes, not JSON): the server detects its encoding and separator. */
async function uploadCsv(file: File, ownerRepId: string): Promise<ImportPreview> {
  const query = new URLSearchParams({ fileName: file.name, ownerRepId })
  let response: Response
  try {
    response = await fetch(`/api/customer-imports?${query}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'text/csv' },
      body: file,
    })
  } catch {
    throw new ApiError(0, 'NETWORK', NETWORK_ERROR_MESSAGE)
  }
  const data = (await response.json().catch(() => undefined)) as { code?: string; message?: string; issues?: { path: string; message: string }[] } | undefined
  if (response.ok) return data as unknown as ImportPreview
  const code = typeof data?.code === 'string' ? data.code : response.status === 413 ? 'IMPORT_TOO_LARGE' : 'INTERNAL'
  const message = code in ERROR_MESSAGES ? ERROR_MESSAGES[code as keyof typeof ERROR_MESSAGES] : (data?.message ?? ERROR_MESSAGES.INTERNAL)
  throw new ApiError(response.status, code, message, data?.issues ?? [])
}

/**
 * CSV import of customers (back office, admin): upload → preview with errors per row → commit all
 * or only the valid rows. Online only; the server does the work in one transaction. The preview
 * holds personal data, so it stays in the screen's state, not here (gone with the page).
 */
export const useCustomerImportsStore = defineStore('customerImports', () => {
  async function upload(file: File, ownerRepId: string): Promise<ImportPreview> {
    if (file.size > IMPORT_MAX_BYTES) throw new ApiError(413, 'IMPORT_TOO_LARGE', ERROR_MESSAGES.IMPORT_TOO_LARGE)
    return uploadCsv(file, ownerRepId)
  }

  function commit(importId: string, mode: ImportMode): Promise<ImportCommitResult> {
    return api.post<ImportCommitResult>(`/customer-imports/${encodeURIComponent(importId)}/commit`, { mode })
  }

  /** Download link of the error report (the session cookie goes along). */
  function errorsUrl(importId: string): string {
    return `/api/customer-imports/${encodeURIComponent(importId)}/errors.csv`
  }

  return { upload, commit, errorsUrl }
})
