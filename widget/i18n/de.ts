import type { Texts } from './en.js';

/** German texts. */
export const de: Texts = {
  'status.offline': 'Offline',
  'status.connecting': 'Verbinde …',
  'status.online': 'Online',
  'status.reconnecting': 'Verbinde erneut …',
  'status.disconnected': 'Getrennt',
  'login.jid': 'E-Mail-Adresse',
  'login.password': 'Passwort',
  'login.submit': 'Anmelden',
  'compose.to': 'An',
  'compose.message': 'Nachricht',
  'compose.send': 'Senden',
  'messages.label': 'Nachrichten',
  'error.auth-failed': 'E-Mail-Adresse oder Passwort ist falsch.',
  'error.connection-failed': 'Der Chat-Server ist nicht erreichbar.',
  'error.certificate': 'Das Zertifikat des Chat-Servers ist ungültig.',
  'error.timeout': 'Der Chat-Server hat nicht rechtzeitig geantwortet.',
  'error.unknown': 'Etwas ist schiefgelaufen.',
};
