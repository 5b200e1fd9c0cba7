/**
 * Stable error codes of the API with the German text the UI shows. The server sends both;
 * the client prefers its own text for a known code so messages stay German offline too.
 */
export const ERROR_MESSAGES = {
  VALIDATION: 'Die Eingaben sind unvollständig oder ungültig.',
  UNAUTHENTICATED: 'Bitte melden Sie sich an.',
  INVALID_CREDENTIALS: 'E-Mail-Adresse oder Passwort ist falsch.',
  RATE_LIMITED: 'Zu viele Anmeldeversuche. Bitte warten Sie einige Minuten.',
  PASSWORD_CHANGE_REQUIRED: 'Bitte ändern Sie zuerst Ihr Einmalpasswort.',
  FORBIDDEN: 'Dafür fehlt Ihnen die Berechtigung.',
  CSRF: 'Die Anfrage kam nicht von dieser Anwendung und wurde abgelehnt.',
  NOT_FOUND: 'Nicht gefunden.',
  CONFLICT: 'Der Datensatz wurde inzwischen geändert.',
  EMAIL_TAKEN: 'Diese E-Mail-Adresse ist bereits vergeben.',
  NAME_TAKEN: 'Dieser Name ist bereits vergeben.',
  RANK_TAKEN: 'Diese Rangfolge ist bereits vergeben.',
  HIERARCHY_CYCLE: 'Diese Zuordnung würde einen Kreis in der Struktur erzeugen.',
  INVALID_UPLINE: 'Die gewählte Führungskraft ist kein aktiver Vermittler.',
  NOT_A_REP: 'Diese Aktion ist nur für Vermittler möglich.',
  WRONG_PASSWORD: 'Das aktuelle Passwort ist falsch.',
  USER_INACTIVE: 'Dieser Benutzer ist deaktiviert.',
  SEQ_GAP: 'Es fehlen frühere Änderungen dieses Geräts; sie werden erneut gesendet.',
  UNKNOWN_MUTATION: 'Diese Änderung kennt der Server nicht (App-Version zu alt oder zu neu).',
  CUSTOMER_DELETED: 'Der Kunde wurde inzwischen gelöscht; die Änderung wurde nicht übernommen.',
  ID_TAKEN: 'Diese ID ist bereits vergeben.',
  CUSTOMER_RESTRICTED: 'Die Verarbeitung dieses Kunden ist eingeschränkt (DSGVO Art. 18); die Akte kann nicht geändert werden.',
  CUSTOMER_PSEUDONYMISED: 'Dieser Kunde wurde pseudonymisiert; die Akte kann nicht mehr geändert werden.',
  NOT_AUTHOR: 'Nur die Verfasserin oder der Verfasser kann diese Notiz ändern.',
  NOTE_DELETED: 'Die Notiz wurde inzwischen gelöscht; die Änderung wurde nicht übernommen.',
  RELATION_DELETED: 'Die Beziehung wurde inzwischen entfernt; die Änderung wurde nicht übernommen.',
  UNKNOWN_RELATION_TYPE: 'Diese Beziehungsart gibt es nicht.',
  CONSENT_ALREADY_WITHDRAWN: 'Diese Einwilligung wurde bereits widerrufen.',
  INVALID_ASSIGNEE: 'Die gewählte Person kann diesen Kunden nicht sehen und kann die Wiedervorlage nicht übernehmen.',
  MERGE_NOT_ALLOWED: 'Diese Kunden können nicht zusammengeführt werden.',
  CLIENT_OF_OTHER_USER: 'Dieses Gerät ist für einen anderen Benutzer registriert.',
  CLIENT_TOO_OLD: 'Diese App-Version ist zu alt. Bitte laden Sie die App neu.',
  GDPR_EXPORT_FORBIDDEN: 'Eine Datenauskunft können Vermittler nur für eigene Kunden erstellen. Bitte wenden Sie sich an den Innendienst.',
  CUSTOMER_ALREADY_RESTRICTED: 'Die Verarbeitung dieses Kunden ist bereits eingeschränkt.',
  CUSTOMER_NOT_RESTRICTED: 'Die Verarbeitung dieses Kunden ist nicht eingeschränkt.',
  PSEUDONYMISE_CONFIRM_MISMATCH: 'Die eingegebene Kundennummer stimmt nicht überein; es wurde nichts geändert.',
  IMPORT_TOO_LARGE: 'Die Datei ist zu groß: höchstens 20 MB und 100.000 Zeilen. Bitte teilen Sie die Datei auf.',
  IMPORT_EMPTY: 'Die Datei enthält keine Kundenzeilen. Die erste Zeile muss die Spaltenüberschriften enthalten.',
  IMPORT_NO_NAME_COLUMN: 'Die Datei hat keine Spalte „Nachname“ oder „Firma“. Bitte prüfen Sie die Spaltenüberschriften in der ersten Zeile.',
  IMPORT_OWNER_REQUIRED: 'Bitte wählen Sie den Vermittler, dem die Kunden zugeordnet werden.',
  IMPORT_HAS_ERRORS: 'Die Datei enthält fehlerhafte Zeilen; es wurde nichts importiert. Korrigieren Sie die Datei oder importieren Sie nur die gültigen Zeilen.',
  IMPORT_NOTHING_VALID: 'Die Datei enthält keine gültige Zeile; es wurde nichts importiert.',
  IMPORT_NOT_OPEN: 'Dieser Import wurde bereits ausgeführt oder verworfen.',
  INTERNAL: 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es erneut.',
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES

export interface ApiErrorBody {
  code: ErrorCode | string
  message: string
  issues?: { path: string; message: string }[]
}
