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
  INTERNAL: 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es erneut.',
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES

export interface ApiErrorBody {
  code: ErrorCode | string
  message: string
  issues?: { path: string; message: string }[]
}
